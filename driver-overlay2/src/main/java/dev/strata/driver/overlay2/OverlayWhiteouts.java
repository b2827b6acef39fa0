package dev.strata.driver.overlay2;

import dev.strata.archive.DeletingWhiteouts;
import dev.strata.archive.WhiteoutPolicy;
import dev.strata.driver.posix.FileNodes;
import dev.strata.driver.posix.Xattrs;
import dev.strata.files.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Records a tar's whiteouts the way overlayfs reads them in a layer's {@code diff/}: {@code
 * .wh.NAME} becomes a character device 0/0 named NAME, {@code .wh..wh..opq} the attribute {@code
 * overlay.opaque=y} on the directory. Whatever this same tar already put at the name goes first.
 *
 * <p>Below a directory already marked opaque nothing of the lower layers shows, so a whiteout there
 * only deletes: a device would be listed as a stray entry in a directory overlay does not merge.
 */
final class OverlayWhiteouts implements WhiteoutPolicy {

  private static final byte[] YES = "y".getBytes(StandardCharsets.US_ASCII);

  private final FileNodes nodes;
  private final Xattrs xattrs;
  private final String opaqueXattr;
  private final DeletingWhiteouts deleting = new DeletingWhiteouts();

  OverlayWhiteouts(FileNodes nodes, Xattrs xattrs, String xattrPrefix) {
    this.nodes = nodes;
    this.xattrs = xattrs;
    this.opaqueXattr = xattrPrefix + "opaque";
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
    xattrs.set(dir, opaqueXattr, YES);
  }
}
