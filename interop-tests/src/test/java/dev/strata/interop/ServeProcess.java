package dev.strata.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code strata serve} as a process of its own, on this test's class path, as an operator runs it:
 * started, awaited until it prints {@code ready}, stopped with SIGTERM. Its stderr goes to a file
 * beside the root.
 */
final class ServeProcess implements AutoCloseable {

  /** Ends a hang only; nothing is timed. */
  private static final long DEADLINE_SECONDS = 180;

  private final Process process;
  private final Path log;

  private ServeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code strata --root ROOT --driver DRIVER serve ARGS...} and waits for {@code ready}. */
  static ServeProcess start(Path root, String driver, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "dev.strata.cli.Main",
        "--root", root.toString(), "--driver", driver, "serve"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    ServeProcess served = new ServeProcess(p, log);
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    if (!"ready".equals(line)) {
      served.close();
      throw new AssertionError("strata serve printed " + line + " instead of 'ready': " + Files.readString(log));
    }
    return served;
  }

  /** Sends SIGTERM and waits; returns the exit code. */
  int stop() throws IOException {
    try {
      if (process.isAlive()) {
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start().waitFor();
      }
      if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("strata serve did not stop on SIGTERM: " + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping strata serve", e);
    }
    return process.exitValue();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
