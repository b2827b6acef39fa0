package dev.strata.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How often and how patiently a failed request is tried again. A connection failure and the
 * answers 429, 500, 502, 503 and 504 are retried, up to {@code maxAttempts} tries in all; the
 * wait before try {@code n+1} is {@code initialBackoff * 2^(n-1)}, capped at {@code maxBackoff},
 * scaled by a random factor in [0.5, 1) so that parallel downloads do not retry in lockstep. A
 * {@code Retry-After} from the server is honoured when longer, up to {@link #MAX_RETRY_AFTER}.
 *
 * @param jitter gives values in [0, 1); the default is {@link ThreadLocalRandom}
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper,
    DoubleSupplier jitter) {

  /** A server asking for a longer pause than this is waited for only this long. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(2);

  /** 5 tries, 0.5 s doubling up to 10 s, really sleeping. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(10),
      Sleeper.SYSTEM, () -> ThreadLocalRandom.current().nextDouble());

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(jitter, "jitter");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial (" + initialBackoff
          + ") <= max (" + maxBackoff + ")");
    }
  }

  /** This policy with another sleeper (tests pass one that does not wait). */
  public RetryPolicy withSleeper(Sleeper other) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, other, jitter);
  }

  /** The wait after failed try {@code attempt} (1-based), given the server's Retry-After if any. */
  Duration delay(int attempt, Optional<Duration> retryAfter) {
    long base = initialBackoff.toMillis() << Math.min(attempt - 1, 30);
    long capped = Math.min(Math.max(base, initialBackoff.toMillis()), maxBackoff.toMillis());
    double factor = 0.5 + 0.5 * Math.min(Math.max(jitter.getAsDouble(), 0.0), 1.0);
    Duration backoff = Duration.ofMillis((long) (capped * factor));
    if (retryAfter.isPresent() && retryAfter.get().compareTo(backoff) > 0) {
      return retryAfter.get().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter.get();
    }
    return backoff;
  }

  /** Whether an answer with this status is worth trying again. */
  static boolean retryable(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }
}
