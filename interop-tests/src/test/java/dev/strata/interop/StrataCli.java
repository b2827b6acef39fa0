package dev.strata.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code strata} command run in-process on one root and driver, as an operator would type it. */
final class StrataCli {

  private final Path root;
  private final String driver;

  StrataCli(Path root, String driver) {
    this.root = root;
    this.driver = driver;
  }

  Path root() {
    return root;
  }

  String driver() {
    return driver;
  }

  /** Runs {@code strata --root R --driver D args...}, fails the test unless it exits 0, returns stdout. */
  String run(String... args) {
    List<String> line = new ArrayList<>(List.of("--root", root.toString(), "--driver", driver));
    line.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), false, line.toArray(String[]::new));
    assertEquals(0, code, () -> "strata " + String.join(" ", args) + " failed: " + err);
    return out.toString();
  }

  /**
   * Runs {@code sh -c script} with the container's own busybox, chrooted into its mounted root: the
   * very commands a Docker container of the same image runs.
   */
  static void runInside(Path mountedRoot, String script) throws IOException {
    Process p = new ProcessBuilder("chroot", mountedRoot.toString(), "/bin/sh", "-c", script)
        .redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("script failed in " + mountedRoot + ": " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running a script in " + mountedRoot, e);
    }
  }
}
