package dev.strata.tar;

import dev.strata.posix.DirectoryFd;
import dev.strata.posix.EntryReads;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.file.Path;
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
public final class UpperDirDiffer extends WalkingDiffer {

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
    checkDir(upper, "upper directory", "");
    if (xattrs.get(upper, prefix + "redirect").isPresent()) {
      return false;
    }
    // The root is closed by the check, by whichever thread reads it.
    return new PlainUpperCheck(prefix).plain(DirectoryFd.open(upper));
  }

  @Override
  void walk(Optional<Path> lowerView, Path upper, DiffVisitor visitor, EntryReads reads) throws IOException {
    Objects.requireNonNull(lowerView, "lowerView");
    checkDir(upper, "upper directory", "");
    if (lowerView.isPresent()) {
      checkDir(lowerView.get(), "parent view", "");
    }
    DirectoryFd upperRoot = DirectoryFd.open(upper);
    try (DirectoryFd lowerRoot = lowerView.isPresent() ? DirectoryFd.open(lowerView.get()) : null) {
      new TreeDiff(new TreeReader(reads), new TreeReader(reads, prefix, true), visitor, prefix + "opaque")
          .runUpperDir(lowerRoot, upperRoot);
    } finally {
      visitor.release(upperRoot);
    }
  }
}
