package dev.strata.volume;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * Counts the content bytes of a tree: the sizes of its regular files, each hardlinked inode once,
 * symlinks never followed. It is the measure a layer's recorded size uses (the file content its tar
 * carries), so a volume and an image layer holding the same files report the same size, and the
 * measure Docker's {@code system df} gives volumes.
 */
final class ContentBytes {

  long of(Path root) throws IOException {
    Set<Object> seen = new HashSet<>();
    long[] bytes = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && seen.add(attrs.fileKey())) {
          bytes[0] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return bytes[0];
  }
}
