package dev.strata.registry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work a pull or push runs on other threads, with its failure rethrown as it was. */
final class Futures {

  private Futures() {}

  /**
   * The result of {@code task}, named {@code what} in messages ("a layer download"); its own
   * IOException or RuntimeException is rethrown unchanged.
   */
  static <T> T await(Future<T> task, String what) throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + what);
    } catch (CancellationException e) {
      throw new InterruptedIOException(what + " was cancelled");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(what + " failed", cause);
    }
  }
}
