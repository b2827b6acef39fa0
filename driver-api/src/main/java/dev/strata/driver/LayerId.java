package dev.strata.driver;

import java.util.regex.Pattern;

/**
 * A driver's opaque name for one layer: Docker's cache-id. Safe to use as a single path component,
 * so it may never be {@code .}, {@code ..}, contain {@code /}, or start with a dot.
 */
public record LayerId(String value) {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  public LayerId {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "invalid layer id '" + value + "': must match " + VALID.pattern());
    }
  }

  public static LayerId of(String value) {
    return new LayerId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
