package dev.strata.tar;

import dev.strata.driver.Change;
import dev.strata.posix.DirectoryFd;
import java.io.IOException;

/**
 * Receives the differences between two trees from {@link TreeDiff}, in tar order: depth first, a
 * directory before anything inside it, and within a directory the opaque marker first, then
 * entries and deletions together sorted by the name they take in the tar ({@code NAME} or {@code
 * .wh.NAME}) in byte order. Paths are relative, {@code /}-separated, without a leading slash.
 */
interface DiffVisitor {

  /** {@code path} is new ({@link Change.Kind#ADDED}) or changed ({@link Change.Kind#MODIFIED}). */
  void changed(String path, TreeEntry upper, Change.Kind kind) throws IOException;

  /**
   * {@code path} is a directory whose own metadata did not change but which holds a change; it is
   * reported before that change.
   */
  void ancestor(String path, TreeEntry upper) throws IOException;

  /**
   * {@code path} is gone; nothing below it is reported. {@code coveredByOpaque} when its directory
   * was reported {@link #opaque} just before.
   */
  void deleted(String path, boolean coveredByOpaque) throws IOException;

  /**
   * Nothing of the lower directory {@code dir} survives in the upper ({@code ""} for the root). Its
   * lower children are each reported {@link #deleted} too, with {@code coveredByOpaque} set.
   */
  void opaque(String dir) throws IOException;

  /**
   * The walk is done with the upper directory {@code dir} (its entries were reported with it):
   * close it, now or once nothing reported still needs it.
   */
  default void release(DirectoryFd dir) {
    dir.close();
  }
}
