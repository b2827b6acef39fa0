package dev.strata.cli;

import java.time.Duration;
import java.time.Instant;

/** "3 minutes ago", as {@code docker images} and {@code docker ps} print times. */
final class Ages {

  private Ages() {}

  static String ago(Instant then, Instant now) {
    if (then.equals(Instant.EPOCH)) {
      return "N/A";
    }
    Duration d = Duration.between(then, now);
    long s = Math.max(0, d.getSeconds());
    if (s < 1) {
      return "Less than a second ago";
    } else if (s < 60) {
      return plural(s, "second");
    } else if (s < 3600) {
      return plural(s / 60, "minute");
    } else if (s < 2 * 86400) {
      return plural(s / 3600, "hour");
    } else if (s < 14 * 86400) {
      return plural(s / 86400, "day");
    } else if (s < 60 * 86400) {
      return plural(s / (7 * 86400), "week");
    } else if (s < 2 * 365 * 86400) {
      return plural(s / (30 * 86400), "month");
    }
    return plural(s / (365 * 86400), "year");
  }

  private static String plural(long n, String unit) {
    if (n == 1) {
      return (unit.equals("hour") ? "An " : "1 ") + unit + " ago";
    }
    return n + " " + unit + "s ago";
  }
}
