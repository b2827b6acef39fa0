package dev.strata.conformance;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Plain tree operations for building reference directories and inspecting a home. */
final class Trees {

  private Trees() {}

  /** {@code rm -rf}, never following symlinks; an absent path is fine. */
  static void delete(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Every path under {@code root}, relative and sorted, without following symlinks. */
  static List<String> list(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.forEach(p -> out.add(root.relativize(p).toString()));
    }
    out.sort(null);
    return out;
  }
}
