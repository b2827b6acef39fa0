package dev.strata.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run the {@code strata} launcher records its class-data sharing archive from: the commands a
 * user runs most, on throwaway stores under the directory it is given, so that the archive holds
 * what opening a store loads (jnr-ffi and jffi, Jackson, Caffeine, the drivers and the stores)
 * and not only picocli's usage. Loading those from the jars, verifying them, took most of a cold
 * {@code strata images} (docs/performance.md).
 *
 * <p>A step that fails (no root, a driver this machine lacks) is ignored: the archive keeps what
 * the other steps loaded, and a command needing more loads it from the jars as before. Nothing is
 * printed; the launcher removes the directory afterwards.
 */
final class ArchiveTraining {

  private ArchiveTraining() {}

  /** {@code args[0]}: an empty directory to build the stores in. */
  public static void main(String[] args) throws IOException {
    Main.configureProcess(false);
    Path dir = Path.of(args[0]);
    Path source = Files.createDirectories(dir.resolve("source"));
    Files.writeString(source.resolve("file"), "training\n");
    PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream(), true);
    // vfs works anywhere; the auto-selected driver (overlay2 or btrfs as root) adds its own classes.
    for (List<String> store : List.of(List.of("--driver", "vfs"), List.<String>of())) {
      String root = dir.resolve(store.isEmpty() ? "auto" : "vfs").toString();
      for (List<String> command : steps(source)) {
        String[] line = new String[2 + store.size() + command.size()];
        line[0] = "--root";
        line[1] = root;
        for (int i = 0; i < store.size(); i++) {
          line[2 + i] = store.get(i);
        }
        for (int i = 0; i < command.size(); i++) {
          line[2 + store.size() + i] = command.get(i);
        }
        try {
          Main.run(sink, sink, false, line);
        } catch (RuntimeException | LinkageError e) {
          // The steps before this one are already loaded; the archive is only the smaller.
        }
      }
    }
    System.exit(0);
  }

  private static List<List<String>> steps(Path source) {
    return List.of(
        List.of("import", source.toString(), "--tag", "training:latest"),
        List.of("images"),
        List.of("--format", "json", "images"),
        List.of("ps"),
        List.of("layers"),
        List.of("volume", "ls"),
        List.of("info"),
        List.of("--version"));
  }
}
