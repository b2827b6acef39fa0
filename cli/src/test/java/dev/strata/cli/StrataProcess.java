package dev.strata.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code strata} as a child JVM on the test class path, so it can be killed: the crash tests need a
 * process that dies with SIGKILL, which nothing in-process can imitate. Output goes to files beside
 * the root, never to pipes nobody drains.
 */
final class StrataProcess {

  /** What the JVM reports for a child killed by signal 9: 128 + 9. */
  static final int KILLED = 137;

  private final Path root;
  private final String driver;
  private final Path logs;
  private final List<String> jvm;

  StrataProcess(Path root, String driver, Path logs, List<String> jvm) {
    this.root = root;
    this.driver = driver;
    this.logs = logs;
    this.jvm = List.copyOf(jvm);
  }

  /** Starts {@code strata --root ROOT --driver DRIVER args...}. */
  Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(jvm);
    command.addAll(List.of("--root", root.toString(), "--driver", driver));
    command.addAll(List.of(args));
    Files.createDirectories(logs);
    return new ProcessBuilder(command)
        .redirectOutput(logs.resolve("stdout").toFile())
        .redirectError(logs.resolve("stderr").toFile())
        .start();
  }

  /** Runs to the end; fails unless it exits 0. Returns how long it took, in nanoseconds. */
  long runToEnd(String... args) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = start(args);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("strata " + String.join(" ", args) + " did not finish in 2 minutes");
    }
    long took = System.nanoTime() - start;
    if (p.exitValue() != 0) {
      throw new AssertionError("strata " + String.join(" ", args) + " exited " + p.exitValue() + ": "
          + Files.readString(logs.resolve("stderr")));
    }
    return took;
  }

  /**
   * Kills {@code p} with SIGKILL ({@link Process#destroyForcibly} on Linux) unless it has exited,
   * and returns its exit value: {@link #KILLED}, or what it exited with on its own.
   */
  static int kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("process " + p.pid() + " survived SIGKILL for 30 s");
    }
    return p.exitValue();
  }

  String stderr() throws IOException {
    Path f = logs.resolve("stderr");
    return Files.exists(f) ? Files.readString(f) : "";
  }
}
