package dev.strata.tar;

import dev.strata.files.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Applies whiteouts by deleting: for drivers whose layers are full copies of their parent (vfs,
 * btrfs), where "hidden" can only mean "gone". Never follows a symlink.
 */
public final class DeletingWhiteouts implements WhiteoutPolicy {

  public DeletingWhiteouts() {}

  /** Deletes {@code target}, a whole tree when it is a directory; an absent target is fine. */
  @Override
  public void whiteout(Path target) throws IOException {
    FileTrees.delete(target);
  }

  /**
   * Deletes everything below {@code dir} that {@code keep} does not hold. A kept directory is
   * descended into, since it may have merged over a directory the marker hides: nothing of the lower
   * layers may show anywhere below an opaque directory. This is Docker's rule ({@code go-archive}
   * {@code UnpackLayer} walks the whole subtree against the paths it unpacked), and what overlayfs
   * shows for an opaque upper directory.
   */
  @Override
  public void opaque(Path dir, Predicate<Path> keep) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        if (!keep.test(child)) {
          FileTrees.delete(child);
        } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          opaque(child, keep);
        }
      }
    }
  }
}
