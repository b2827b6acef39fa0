package dev.strata.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    // vfs works anywhere; overlay2 (as root) adds its own classes. Not btrfs: its layers are
    // subvolumes, which the launcher's `rm -rf --one-file-system` of the directory would not remove.
    for (String driver : List.of("vfs", "overlay2")) {
      for (List<String> command : steps(source)) {
        List<String> line = new ArrayList<>(List.of("--root", dir.resolve(driver).toString(), "--driver", driver));
        line.addAll(command);
        try {
          Main.run(sink, sink, false, line.toArray(String[]::new));
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
