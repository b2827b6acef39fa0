package dev.strata.tar;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * How an applier turns the tar's whiteout markers into the on-disk form a driver understands.
 *
 * <p>A layer tar says "NAME is deleted" with an entry {@code .wh.NAME} and "nothing of the lower
 * layers shows through this directory" with {@code .wh..wh..opq}. A driver whose layers are full
 * copies (vfs, btrfs) applies them by deleting; overlay2 records them for the kernel (a 0/0 character
 * device, an {@code overlay.opaque} xattr). The applier has already checked that every path handed
 * here lies inside the layer root and that no parent is a symlink.
 */
public interface WhiteoutPolicy {

  /**
   * {@code target} was named by a {@code .wh.} entry: it must no longer appear in the view. It may
   * not exist in this directory at all (it lives in a lower layer).
   */
  void whiteout(Path target) throws IOException;

  /**
   * {@code dir} was marked opaque: every child not in {@code keep} must no longer appear. {@code
   * keep} holds the children this same tar has already created, which the marker does not hide.
   */
  void opaque(Path dir, Predicate<Path> keep) throws IOException;
}
