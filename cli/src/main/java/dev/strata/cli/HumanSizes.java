package dev.strata.cli;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Sizes as {@code docker system df} prints them: 1000-based units and four significant digits
 * with trailing zeros dropped ({@code 0B}, {@code 4.128kB}, {@code 1.5MB}), and a reclaimable figure
 * with its whole percentage of the total, truncated ({@code 4.005kB (97%)}).
 */
final class HumanSizes {

  private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

  private HumanSizes() {}

  static String of(long bytes) {
    double v = bytes;
    int u = 0;
    while (v >= 1000 && u < UNITS.length - 1) {
      v /= 1000;
      u++;
    }
    BigDecimal shown = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
    return shown.toPlainString() + UNITS[u];
  }

  /** Docker leaves the percentage out when the total is zero. */
  static String reclaimable(long bytes, long total) {
    return total > 0 ? of(bytes) + " (" + (int) (100.0 * bytes / total) + "%)" : of(bytes);
  }
}
