package dev.strata.bench.compare;

import java.io.IOException;

/**
 * One operation {@link Compare} times in a warm JVM: everything it needs is made before the first
 * run, and each run measures itself, so an operation that loops (mount, snapshot) can leave its
 * per-iteration cleanup out of the time.
 */
interface Trial extends AutoCloseable {

  /** Performs run {@code run} (0 is the warmup) and returns the nanoseconds it measured. */
  long timedNanos(int run) throws IOException;

  /** Undoes run {@code run} so the next starts from the same state; never timed. */
  void reset(int run) throws IOException;

  @Override
  void close() throws IOException;
}
