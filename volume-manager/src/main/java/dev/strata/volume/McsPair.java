package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two MCS categories, {@code s0:c<low>,c<high>}: the private level a {@code Z} mount and its
 * container share. Two containers with different pairs cannot read each other's {@code Z} content.
 *
 * @param low the smaller category, at least 0
 * @param high the larger category, at most {@link #MAX_CATEGORY}
 */
public record McsPair(int low, int high) {

  /** go-selinux's default category range is 1024: {@code c0} to {@code c1023}. */
  public static final int MAX_CATEGORY = 1023;

  private static final Pattern LEVEL = Pattern.compile("s0:c(\\d{1,4}),c(\\d{1,4})");

  public McsPair {
    if (low < 0 || high > MAX_CATEGORY || low >= high) {
      throw new IllegalArgumentException(
          "invalid MCS pair c" + low + ",c" + high
              + ": need 0 <= low < high <= " + MAX_CATEGORY);
    }
  }

  /**
   * Parses {@code s0:cX,cY} with {@code X < Y}, the form go-selinux writes. Other spellings of the
   * same level ({@code s0:c2,c1}, ranges) are refused so that one pair has one string.
   *
   * @throws InvalidArgumentException quoting the level
   */
  public static McsPair parse(String level) throws InvalidArgumentException {
    Matcher m = level == null ? null : LEVEL.matcher(level);
    if (m == null || !m.matches()) {
      throw new InvalidArgumentException(
          String.valueOf(level),
          "invalid MCS level '" + level + "': expected s0:cX,cY with 0 <= X < Y <= "
              + MAX_CATEGORY);
    }
    try {
      return new McsPair(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(
          level, "invalid MCS level '" + level + "': " + e.getMessage(), e);
    }
  }

  /** The level, {@code s0:c<low>,c<high>}. */
  public String level() {
    return "s0:c" + low + ",c" + high;
  }

  @Override
  public String toString() {
    return level();
  }
}
