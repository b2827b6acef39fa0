package dev.strata.tar;

import dev.strata.posix.DirectoryFd;
import dev.strata.posix.EntryReads;
import dev.strata.posix.EntryStat;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
    EntryReads reads = new EntryReads();
    try (DirectoryFd root = DirectoryFd.open(upper)) {
      return plain(reads, root);
    }
  }

  /**
   * Whether nothing below {@code dir} is a redirect or a metacopy: the listing's types tell
   * directories and files apart, so an entry costs one {@code getxattrat}, not an {@code lstat}
   * as well.
   */
  private boolean plain(EntryReads reads, DirectoryFd dir) throws IOException {
    List<String> subdirectories = new ArrayList<>();
    boolean[] plain = {true};
    reads.list(dir, (name, listedType) -> {
      int type = listedType;
      if (!plain[0]) {
        return;
      }
      if (type == EntryReads.DT_UNKNOWN) {
        type = typeOf(reads, dir, name);
      }
      if (type == EntryReads.DT_DIR) {
        if (reads.xattr(dir, name, prefix + "redirect").isPresent()) {
          plain[0] = false;
        } else {
          subdirectories.add(name);
        }
      } else if (type == EntryReads.DT_REG && reads.xattr(dir, name, prefix + "metacopy").isPresent()) {
        plain[0] = false;
      }
    });
    for (String name : subdirectories) {
      if (!plain[0]) {
        break;
      }
      try (DirectoryFd sub = dir.openDirectory(name)) {
        plain[0] = plain(reads, sub);
      }
    }
    return plain[0];
  }

  /** The {@code d_type} a filesystem that does not fill it in would have given; gone is a file. */
  private static int typeOf(EntryReads reads, DirectoryFd dir, String name) throws IOException {
    Optional<EntryStat> stat = reads.stat(dir, name);
    if (stat.isEmpty()) {
      return EntryReads.DT_UNKNOWN;
    }
    FileType type = FileType.ofMode(stat.get().mode());
    return type == FileType.DIRECTORY ? EntryReads.DT_DIR
        : type == FileType.REGULAR ? EntryReads.DT_REG : EntryReads.DT_UNKNOWN;
  }

  @Override
  void walk(Optional<Path> lowerView, Path upper, DiffVisitor visitor, EntryReads reads) throws IOException {
    Objects.requireNonNull(lowerView, "lowerView");
    checkDir(upper, "upper directory", "");
    if (lowerView.isPresent()) {
      checkDir(lowerView.get(), "parent view", "");
    }
    try (DirectoryFd upperRoot = DirectoryFd.open(upper);
        DirectoryFd lowerRoot = lowerView.isPresent() ? DirectoryFd.open(lowerView.get()) : null) {
      new TreeDiff(new TreeReader(reads), new TreeReader(reads, prefix, true), visitor, prefix + "opaque")
          .runUpperDir(lowerRoot, upperRoot);
    }
  }
}
