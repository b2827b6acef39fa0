package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.regex.Pattern;

/** Docker's rule for local volume names, checked before a name touches a path. */
final class VolumeNames {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
  /** Docker's anonymous volumes: 64 lower-case hex digits. */
  static final Pattern ANONYMOUS = Pattern.compile("[0-9a-f]{64}");

  private VolumeNames() {}

  /** True when {@code name} may name a volume. */
  static boolean valid(String name) {
    return name != null && name.length() <= 255 && NAME.matcher(name).matches();
  }

  /**
   * Checks {@code name} against {@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}.
   *
   * @throws InvalidArgumentException in Docker's words, quoting the name
   */
  static void check(String name) throws InvalidArgumentException {
    if (name == null || name.isEmpty()) {
      throw new InvalidArgumentException("", "volume name is empty");
    }
    if (name.length() == 1) {
      throw new InvalidArgumentException(name,
          "volume name is too short, names should be at least two alphanumeric characters");
    }
    if (name.length() > 255) {
      throw new InvalidArgumentException(name.substring(0, 32) + "...",
          "volume name is longer than 255 characters");
    }
    if (!NAME.matcher(name).matches()) {
      throw new InvalidArgumentException(name, "\"" + name + "\" includes invalid characters for a local volume name,"
          + " only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path");
    }
  }
}
