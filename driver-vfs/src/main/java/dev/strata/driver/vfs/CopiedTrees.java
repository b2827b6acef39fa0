package dev.strata.driver.vfs;

import dev.strata.driver.LayerDirectories;
import dev.strata.files.FileTrees;
import dev.strata.files.TreeCopy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** vfs layer trees: each a full copy of its parent, made with reflinks or {@code copy_file_range} where the filesystem allows. */
record CopiedTrees(TreeCopy copier) implements LayerDirectories.Trees {

  @Override
  public void start(Path staging, Optional<Path> parent) throws IOException {
    if (parent.isPresent()) {
      copier.copy(parent.get(), staging);
    } else {
      Files.createDirectory(staging);
      Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Override
  public void discard(Path path) throws IOException {
    FileTrees.delete(path);
  }
}
