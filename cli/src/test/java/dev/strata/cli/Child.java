package dev.strata.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running {@link CrashChild} and the protocol lines it has written. Lines are read only by the
 * caller's thread, at known moments, so "what had the child said when it was interrupted" is
 * exact: whatever is in the pipe at that moment was written before it.
 */
final class Child {

  /** What the JVM reports for a child killed by signal 9: 128 + 9. */
  static final int KILLED = 137;

  private final Process process;
  private final List<String> heard = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();

  Child(Process process) {
    this.process = process;
  }

  /** Waits until the child is ready, lets it run the command and returns once it has begun. */
  void go() throws IOException {
    awaitLine(CrashChild.READY);
    process.getOutputStream().write('\n');
    process.getOutputStream().flush();
    awaitLine(CrashChild.BEGUN);
  }

  /** Waits up to {@code millis} for the child to exit; true if it did. */
  boolean awaitExit(long millis) throws InterruptedException {
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  /** The lines written so far, without waiting for more. */
  List<String> heardSoFar() throws IOException {
    InputStream in = process.getInputStream();
    while (in.available() > 0) {
      take(in.read());
    }
    return List.copyOf(heard);
  }

  /**
   * Kills the child with SIGKILL unless it has exited, waits for it, reads what it wrote before
   * dying and returns its exit value: {@link #KILLED}, or what it exited with on its own. The
   * signal goes through the {@link ProcessHandle}: {@link Process#destroyForcibly} would also close
   * the pipe, and with it the lines that say where the kill landed.
   */
  int kill() throws IOException, InterruptedException {
    process.toHandle().destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("process " + process.pid() + " survived SIGKILL for 30 s");
    }
    InputStream in = process.getInputStream();
    for (int c = in.read(); c >= 0; c = in.read()) {
      take(c);
    }
    return process.exitValue();
  }

  /** Every line the child wrote; complete once {@link #kill} returned. */
  List<String> heard() {
    return List.copyOf(heard);
  }

  /** Ends a child a failed trial left running, or one spawned ahead for a trial that did not come. */
  void abandon() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  private void awaitLine(String expected) throws IOException {
    InputStream in = process.getInputStream();
    int before = heard.size();
    while (heard.size() == before) {
      int c = in.read();
      if (c < 0) {
        throw new AssertionError("strata child exited before it said " + expected + "; it said " + heard);
      }
      take(c);
    }
    String line = heard.get(heard.size() - 1);
    if (!line.equals(expected)) {
      throw new AssertionError("strata child said " + line + ", not " + expected);
    }
  }

  private void take(int c) {
    if (c == '\n') {
      heard.add(partial.toString());
      partial.setLength(0);
    } else {
      partial.append((char) c);
    }
  }

  @Override
  public String toString() {
    return "strata child " + process.pid() + " (said " + heard + ")";
  }
}
