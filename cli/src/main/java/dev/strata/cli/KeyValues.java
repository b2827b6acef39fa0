package dev.strata.cli;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code key=value} flags as Docker reads them: split on the first {@code =}, so
 * {@code o=addr=1.2.3.4,rw} keeps its value whole; a later key replaces an earlier one.
 */
final class KeyValues {

  private KeyValues() {}

  /**
   * Options ({@code -o}): each needs an {@code =}.
   *
   * @throws InvalidArgumentException for a value without {@code =} or with an empty key
   */
  static Map<String, String> options(String flag, List<String> values) throws InvalidArgumentException {
    Map<String, String> map = new LinkedHashMap<>();
    for (String value : values) {
      int eq = value.indexOf('=');
      if (eq < 0) {
        throw new InvalidArgumentException(value, "invalid argument \"" + value + "\" for " + flag
            + ": expected key=value");
      }
      if (eq == 0) {
        // Not quoted: the value of a keyless option may be a secret.
        throw new InvalidArgumentException("", "invalid argument for " + flag + ": an option needs a key (key=value)");
      }
      map.put(value.substring(0, eq), value.substring(eq + 1));
    }
    return map;
  }

  /** Labels ({@code --label}): a key alone means an empty value, as in Docker. */
  static Map<String, String> labels(List<String> values) throws InvalidArgumentException {
    Map<String, String> map = new LinkedHashMap<>();
    for (String value : values) {
      int eq = value.indexOf('=');
      String key = eq < 0 ? value : value.substring(0, eq);
      if (key.isEmpty()) {
        throw new InvalidArgumentException(value, "invalid argument \"" + value + "\" for --label: empty key");
      }
      map.put(key, eq < 0 ? "" : value.substring(eq + 1));
    }
    return map;
  }
}
