package dev.strata.image;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Scratch directories of archive work, {@code <root>/tmp/image-*}. They never outlive the
 * operation; what a crash leaves is deleted by {@link ImageStore#open}.
 */
final class StagingDirs {

  static final String PREFIX = "image-";

  private StagingDirs() {}

  static Path create(Path tmpRoot, String purpose) throws IOException {
    Files.createDirectories(tmpRoot);
    return Files.createTempDirectory(tmpRoot, PREFIX + purpose + "-");
  }

  /** Deletes a tree without following symlinks. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
