package dev.strata.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Plain tree operations for building reference directories and inspecting a home. */
final class Trees {

  private Trees() {}

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
