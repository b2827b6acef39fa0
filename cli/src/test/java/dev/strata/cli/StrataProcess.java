package dev.strata.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code strata} as a child JVM on the test class path, so it can be killed: the crash tests need a
 * process that dies with SIGKILL, which nothing in-process can imitate. Its stderr (and the
 * command's output) goes to a file beside the root; its stdout carries {@link CrashChild}'s lines.
 */
final class StrataProcess {

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
   * nothing until {@link Child#go}.
   */
  Child spawn(String... args) throws IOException {
    List<String> command = new ArrayList<>(jvm);
    command.addAll(List.of("--root", root.toString(), "--driver", driver));
    command.addAll(List.of(args));
    Files.createDirectories(logs);
    return new Child(new ProcessBuilder(command)
        .redirectError(logs.resolve("stderr").toFile())
        .start());
  }

  /**
   * Runs the operation to the end; fails unless it exits 0. Returns its nanoseconds from {@code
   * begun} to the exit.
   */
  long runToEnd(String... args) throws IOException, InterruptedException {
    Child child = spawn(args);
    child.go();
    long start = System.nanoTime();
    if (!child.awaitExit(120_000)) {
      child.kill();
      throw new AssertionError("strata " + String.join(" ", args) + " did not finish in 2 minutes");
    }
    long took = System.nanoTime() - start;
    int exit = child.kill();
    if (exit != 0) {
      throw new AssertionError("strata " + String.join(" ", args) + " exited " + exit + ": " + stderr());
    }
    return took;
  }

  String stderr() throws IOException {
    Path f = logs.resolve("stderr");
    return Files.exists(f) ? Files.readString(f) : "";
  }
}
