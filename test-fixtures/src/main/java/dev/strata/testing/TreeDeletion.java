package dev.strata.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deletes a tree, children before their directory, never following a symlink. The fixtures sit
 * below the file-tree module so that its own tests can use them, hence their own few lines.
 */
final class TreeDeletion {

  private TreeDeletion() {}

  /** Deletes {@code root} and everything below it; nothing to do when it does not exist. */
  static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> deepestFirst;
    try (Stream<Path> walk = Files.walk(root)) {
      deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Path p : deepestFirst) {
      Files.delete(p);
    }
  }
}
