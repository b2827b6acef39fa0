package dev.strata.guest;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a guest run has set up (a bind mount, daemons, QEMU), undone in reverse order: at the end of
 * the run, or by a shutdown hook when the build is interrupted, so that no mount or process
 * outlives it.
 */
final class Teardown implements AutoCloseable {

  /** One step to undo. */
  @FunctionalInterface
  interface Step {
    void undo() throws Exception;
  }

  private final Deque<Step> steps = new ArrayDeque<>();
  private final Thread hook = new Thread(this::closeQuietly, "kernel-guest teardown");
  private boolean closed;

  Teardown() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Closes {@code resource} at teardown; returns it. */
  synchronized <T extends AutoCloseable> T closing(T resource) {
    steps.push(resource::close);
    return resource;
  }

  /** Runs {@code step} at teardown. */
  synchronized void then(Step step) {
    steps.push(step);
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failed = null;
    while (!steps.isEmpty()) {
      try {
        steps.pop().undo();
      } catch (Exception e) {
        if (failed == null) {
          failed = new IOException("tearing the guest down failed", e);
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Called from the hook itself: the JVM is already on its way out.
    }
    if (failed != null) {
      throw failed;
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException e) {
      System.err.println("kernel-guest: " + e.getMessage() + ": " + e.getCause());
    }
  }
}
