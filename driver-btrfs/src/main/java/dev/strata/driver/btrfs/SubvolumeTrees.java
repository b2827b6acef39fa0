package dev.strata.driver.btrfs;

import dev.strata.driver.LayerDirectories;
import dev.strata.driver.LayerInfo;
import dev.strata.files.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * btrfs layer trees: a base layer a new subvolume, a child a writable snapshot of its parent, an
 * image layer's subvolume read-only once in place. The layer directories are plain directories of
 * one subvolume, so a subvolume renamed between them never crosses a subvolume boundary.
 */
record SubvolumeTrees(Subvolumes subvolumes) implements LayerDirectories.Trees {

  @Override
  public void start(Path staging, Optional<Path> parent) throws IOException {
    if (parent.isPresent()) {
      subvolumes.snapshot(parent.get(), staging, false);
    } else {
      subvolumes.create(staging);
    }
  }

  /** Also on open: an image layer whose removal was interrupted after {@link #unseal} is read-only again. */
  @Override
  public void seal(Path dir, LayerInfo layer) throws IOException {
    if (!layer.writable() && !subvolumes.isReadOnly(dir)) {
      subvolumes.setReadOnly(dir, true);
    }
  }

  /** Clears the read-only flag of a subvolume about to be renamed. */
  @Override
  public void unseal(Path dir) throws IOException {
    if (Subvolumes.isSubvolume(dir) && subvolumes.isReadOnly(dir)) {
      subvolumes.setReadOnly(dir, false);
    }
  }

  /**
   * Destroys whatever is at {@code path}: a subvolume with everything nested in it, or anything
   * else a sweep finds (a plain directory put there by hand) after the subvolumes inside it.
   */
  @Override
  public void discard(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Subvolumes.isSubvolume(path)) {
      subvolumes.destroyTree(path);
      return;
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      List<Path> nested = Subvolumes.nestedIn(path);
      nested.sort(Comparator.comparingInt(Path::getNameCount));
      for (Path sub : nested) {
        if (Files.exists(sub, LinkOption.NOFOLLOW_LINKS)) {
          subvolumes.destroyTree(sub);
        }
      }
    }
    FileTrees.delete(path);
  }
}
