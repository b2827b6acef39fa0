package dev.strata.posix;

import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** A {@code struct timespec}: seconds since the epoch (may be negative) and 0..999,999,999 nanoseconds. */
public record Timestamp(long seconds, int nanos) {

  public Timestamp {
    if (nanos < 0 || nanos > 999_999_999) {
      throw new IllegalArgumentException("nanoseconds out of range: " + nanos);
    }
  }

  public static Timestamp of(Instant instant) {
    return new Timestamp(instant.getEpochSecond(), instant.getNano());
  }

  public static Timestamp of(FileTime time) {
    return of(time.toInstant());
  }

  public Instant toInstant() {
    return Instant.ofEpochSecond(seconds, nanos);
  }
}
