package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;

/** Docker's filter booleans: {@code true|1|false|0}. */
final class Booleans {

  private Booleans() {}

  static boolean parse(String key, String value) throws InvalidArgumentException {
    return switch (value) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new InvalidArgumentException(key, "invalid value for '" + key + "': '" + value
          + "' (use true, false, 1 or 0)");
    };
  }
}
