package dev.strata.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code strata} as a child JVM on the test class path, so it can be killed: the crash tests need a
 * process that dies with SIGKILL, which nothing in-process can imitate. Its stderr goes to a file
 * beside the root; its stdout carries the ready line, then the little a command prints.
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

  /**
   * Starts {@code strata --root ROOT --driver DRIVER args...} as a {@link CrashChild}: it touches
   * nothing until {@link #go}.
   */
  Process spawn(String... args) throws IOException {
    List<String> command = new ArrayList<>(jvm);
    command.addAll(List.of("--root", root.toString(), "--driver", driver));
    command.addAll(List.of(args));
    Files.createDirectories(logs);
    return new ProcessBuilder(command)
        .redirectError(logs.resolve("stderr").toFile())
        .start();
  }

  /** Waits until {@code p} is ready, then lets it run the operation. */
  static void go(Process p) throws IOException {
    // One byte at a time: whatever the command prints after "ready" stays in the pipe.
    StringBuilder line = new StringBuilder();
    for (int c = p.getInputStream().read(); c != '\n'; c = p.getInputStream().read()) {
      if (c < 0) {
        throw new AssertionError("strata child exited before it was ready: " + line);
      }
      line.append((char) c);
    }
    if (!line.toString().equals("ready")) {
      throw new AssertionError("strata child said " + line + ", not ready");
    }
    p.getOutputStream().write('\n');
    p.getOutputStream().flush();
  }

  /** Runs the operation to the end; fails unless it exits 0. Returns its nanoseconds from {@link #go}. */
  long runToEnd(String... args) throws IOException, InterruptedException {
    Process p = spawn(args);
    go(p);
    long start = System.nanoTime();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("strata " + String.join(" ", args) + " did not finish in 2 minutes");
    }
    long took = System.nanoTime() - start;
    if (p.exitValue() != 0) {
      throw new AssertionError("strata " + String.join(" ", args) + " exited " + p.exitValue() + ": " + stderr());
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
