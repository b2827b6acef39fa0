package dev.strata.driver;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in storage options ({@code size=10G}) as Docker reads them (go-units' {@code
 * RAMInBytes}): a number, an optional space, an optional k/m/g/t/p and an optional {@code b} or
 * {@code ib}, case-insensitive, all binary multiples.
 */
public final class ByteSizes {

  private static final Pattern VALUE =
      Pattern.compile("(\\d+(?:\\.\\d+)?) ?([kmgtp]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);

  private ByteSizes() {}

  /**
   * Bytes meant by {@code value}, the value of option {@code key}.
   *
   * @throws InvalidArgumentException quoting the value when it is not a size or is too large
   */
  public static long parse(String key, String value) throws InvalidArgumentException {
    Matcher m = VALUE.matcher(value.trim());
    if (!m.matches()) {
      throw new InvalidArgumentException(key, key + "=" + value + " is not a size such as 512M or 10G");
    }
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      case "p" -> 50;
      default -> 0;
    };
    double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
    if (bytes >= Long.MAX_VALUE) {
      throw new InvalidArgumentException(key, key + "=" + value + " is too large");
    }
    return (long) bytes;
  }
}
