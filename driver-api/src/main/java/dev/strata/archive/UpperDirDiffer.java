package dev.strata.archive;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.posix.Xattrs;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link LayerDiffer}'s changes and diff tar, read from an overlay upper directory (a layer's own
 * {@code diff/}) instead of from the layer's whole view: only what the layer itself holds is read,
 * plus an {@code lstat} in the parent's view for each name the upper holds. Character devices 0/0
 * are whiteouts, a directory with {@code <prefix>opaque} hides the parent's directory, and overlay's
 * own attributes ({@code <prefix>*}) are not content. The result is what {@link LayerDiffer} says
 * for the mounted layer against its mounted parent: the same changes, the same tar bytes.
 *
 * <pre>{@code
 * UpperDirDiffer differ = new UpperDirDiffer("trusted.overlay.");
 * if (differ.canDiff(layerDir.resolve("diff"))) {
 *   differ.writeDiff(Optional.of(parentView), layerDir.resolve("diff"), out);
 * }
 * }</pre>
 *
 * <p>An upper written with {@code redirect_dir=on} or {@code metacopy=on} may hold directories
 * whose lower content sits under another name, and files whose data sits in a lower layer; {@link
 * #canDiff} finds them, and such a layer needs {@link LayerDiffer} over mounted views. Thread-safe.
 */
public final class UpperDirDiffer {

  private final String prefix;
  private final Xattrs xattrs = new Xattrs();

  /** @param overlayXattrPrefix {@code trusted.overlay.}, or {@code user.overlay.} with userxattr */
  public UpperDirDiffer(String overlayXattrPrefix) {
    this.prefix = Objects.requireNonNull(overlayXattrPrefix, "overlayXattrPrefix");
    if (!prefix.endsWith(".")) {
      throw new IllegalArgumentException("xattr prefix must end with '.': '" + prefix + "'");
    }
  }

  /** False when some directory of {@code upper} is a redirect or some file a metacopy. */
  public boolean canDiff(Path upper) throws IOException {
    checkDir(upper, "upper directory");
    boolean[] plain = {true};
    Files.walkFileTree(upper, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
        if (xattrs.get(dir, prefix + "redirect").isPresent()) {
          plain[0] = false;
          return FileVisitResult.TERMINATE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
        if (a.isRegularFile() && xattrs.get(file, prefix + "metacopy").isPresent()) {
          plain[0] = false;
          return FileVisitResult.TERMINATE;
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return plain[0];
  }

  /** What {@link LayerDiffer#changes} reports for the view, sorted by path. */
  public List<Change> changes(Optional<Path> lowerView, Path upper) throws IOException {
    ChangeCollector collector = new ChangeCollector();
    walk(lowerView, upper, collector);
    return collector.sorted();
  }

  /** What {@link LayerDiffer#writeDiff} writes for the view; returns the content bytes. */
  public long writeDiff(Optional<Path> lowerView, Path upper, OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    TarStreamWriter tar = new TarStreamWriter(new BufferedOutputStream(out, 64 * 1024));
    DiffEmitter emitter = new DiffEmitter(tar);
    walk(lowerView, upper, emitter);
    tar.finish();
    return emitter.contentBytes();
  }

  /** What {@link #writeDiff} would return, without reading content or writing a tar. */
  public long diffSize(Optional<Path> lowerView, Path upper) throws IOException {
    DiffEmitter counter = new DiffEmitter(null);
    walk(lowerView, upper, counter);
    return counter.contentBytes();
  }

  private void walk(Optional<Path> lowerView, Path upper, DiffVisitor visitor) throws IOException {
    Objects.requireNonNull(lowerView, "lowerView");
    checkDir(upper, "upper directory");
    if (lowerView.isPresent()) {
      checkDir(lowerView.get(), "parent view");
    }
    new TreeDiff(new TreeReader(xattrs), new TreeReader(xattrs, prefix, true), visitor,
        prefix + "opaque", xattrs).runUpperDir(lowerView.orElse(null), upper);
  }

  private static void checkDir(Path dir, String what) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new NotFoundException(dir.toString(), what + " " + dir + " does not exist");
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidArgumentException(dir.toString(), what + " " + dir + " is not a directory");
    }
  }
}
