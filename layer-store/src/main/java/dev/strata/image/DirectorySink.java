package dev.strata.image;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes archive files into a directory (an OCI layout that is also a docker-archive directory). */
final class DirectorySink implements ArchiveSink {

  private final Path root;

  DirectorySink(Path root) {
    this.root = root;
  }

  @Override
  public void directory(String name) throws IOException {
    Files.createDirectories(root.resolve(name));
  }

  @Override
  public void file(String name, byte[] content) throws IOException {
    Path target = root.resolve(name);
    Files.createDirectories(target.getParent());
    Files.write(target, content);
  }

  @Override
  public void file(String name, Path content, long size) throws IOException {
    Path target = root.resolve(name);
    Files.createDirectories(target.getParent());
    try {
      Files.move(content, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException differentFilesystem) {
      Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void finish() {}
}
