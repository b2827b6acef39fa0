package dev.strata.driver.overlay2;

import dev.strata.files.FileTrees;
import dev.strata.posix.FileNodes;
import dev.strata.posix.RawNames;
import dev.strata.posix.Xattrs;
import dev.strata.tar.DeletingWhiteouts;
import dev.strata.tar.WhiteoutPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Records a tar's whiteouts the way overlayfs reads them in a layer's {@code diff/}: {@code
 * .wh.NAME} becomes a character device 0/0 named NAME, {@code .wh..wh..opq} the attribute {@code
 * overlay.opaque=y} on the directory. Whatever this same tar already put at the name goes first.
 *
 * <p>One instance per layer being filled. Below a directory already marked opaque nothing of the
 * lower layers shows, so a whiteout there only deletes: a device would be listed as a stray entry
 * in a directory overlay does not merge.
 */
final class OverlayWhiteouts implements WhiteoutPolicy {

  private static final byte[] YES = "y".getBytes(StandardCharsets.US_ASCII);

  private final FileNodes nodes;
  private final Xattrs xattrs;
  private final String opaqueXattr;
  private final Path diffRoot;
  private final DeletingWhiteouts deleting = new DeletingWhiteouts();
  private boolean rootOpaque;

  /** @param diffRoot the real path of the {@code diff/} being filled */
  OverlayWhiteouts(FileNodes nodes, Xattrs xattrs, String xattrPrefix, Path diffRoot) {
    this.nodes = nodes;
    this.xattrs = xattrs;
    this.opaqueXattr = xattrPrefix + "opaque";
    this.diffRoot = diffRoot;
  }

  @Override
  public void whiteout(Path target) throws IOException {
    FileTrees.delete(target);
    if (xattrs.get(target.getParent(), opaqueXattr).isPresent()) {
      return;
    }
    nodes.mknod(target, FileNodes.S_IFCHR, 0, 0, 0);
  }

  @Override
  public void opaque(Path dir, Predicate<Path> keep) throws IOException {
    deleting.opaque(dir, keep);
    if (dir.equals(diffRoot)) {
      rootOpaque = true;
    } else {
      xattrs.set(dir, opaqueXattr, YES);
    }
  }

  /**
   * Call once the tar is applied. Overlay ignores the opaque mark on a layer's root (the root is
   * always merged), so an opaque root becomes a whiteout for every name of the ancestors' roots
   * that the layer does not hold, and an opaque mark on each directory it does hold, whenever in
   * the tar that directory came.
   *
   * @param lowerDiffs the ancestors' {@code diff/} directories, in place by now
   */
  void finish(List<Path> lowerDiffs) throws IOException {
    if (!rootOpaque) {
      return;
    }
    Set<String> names = new TreeSet<>();
    for (Path lower : lowerDiffs) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(lower)) {
        for (Path child : children) {
          names.add(RawNames.of(child.getFileName()));
        }
      }
    }
    for (String name : names) {
      Path target = RawNames.resolve(diffRoot, name);
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        nodes.mknod(target, FileNodes.S_IFCHR, 0, 0, 0);
      } else if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        xattrs.set(target, opaqueXattr, YES);
      }
    }
  }
    }
