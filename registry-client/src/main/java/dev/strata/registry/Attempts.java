package dev.strata.registry;

/**
 * The tries one logical download may make, shared by the transport's retries (connection failures,
 * 429/5xx) and the blob fetcher's resumes (a body cut short). Without sharing they multiply: a blob
 * could be asked for {@code maxAttempts} times per resume, {@code maxAttempts}² requests and as many
 * backoff waits in all. With it the worst case is {@code maxAttempts} requests (plus the re-sends an
 * auth challenge or a redirect costs, which are not failures) and {@code maxAttempts - 1} waits.
 * Not thread-safe: one download, one thread.
 */
final class Attempts {

  private final int max;
  private int used;

  Attempts(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least one attempt, not " + max);
    }
    this.max = max;
  }

  /** Takes a try and returns its number, 1-based. */
  int next() {
    return ++used;
  }

  /** Tries taken so far. */
  int used() {
    return used;
  }

  boolean exhausted() {
    return used >= max;
  }

  int max() {
    return max;
  }
}
