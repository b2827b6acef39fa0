package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Docker's {@code volume ls --filter}: {@code dangling=true|false}, {@code name=SUBSTRING},
 * {@code label=KEY} or {@code label=KEY=VALUE}, {@code driver=NAME}. Values of one key are
 * alternatives; different keys must all match.
 *
 * @param terms key to its values, in the order given
 */
public record VolumeFilter(Map<String, List<String>> terms) {

  private static final List<String> KEYS = List.of("dangling", "name", "label", "driver");

  public VolumeFilter {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    terms.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    terms = Collections.unmodifiableMap(copy);
  }

  /** Matches every volume. */
  public static VolumeFilter all() {
    return new VolumeFilter(Map.of());
  }

  /**
   * Parses {@code key=value} filters.
   *
   * @throws InvalidArgumentException for an unknown key, a missing {@code =} or a dangling value
   *     that is not a boolean
   */
  public static VolumeFilter parse(List<String> filters) throws InvalidArgumentException {
    Map<String, List<String>> terms = new LinkedHashMap<>();
    for (String filter : filters) {
      int eq = filter.indexOf('=');
      if (eq <= 0) {
        throw new InvalidArgumentException(filter, "bad format of filter (expected name=value): " + filter);
      }
      String key = filter.substring(0, eq);
      String value = filter.substring(eq + 1);
      if (!KEYS.contains(key)) {
        throw new InvalidArgumentException(filter, "invalid filter '" + key + "' (volume ls takes "
            + String.join(", ", KEYS) + ")");
      }
      if (key.equals("dangling")) {
        value = Booleans.parse("dangling", value) ? "true" : "false";
      }
      terms.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return new VolumeFilter(terms);
  }

  /** True when {@code volume} passes every key. */
  public boolean matches(Volume volume) {
    for (Map.Entry<String, List<String>> term : terms.entrySet()) {
      boolean any = false;
      for (String value : term.getValue()) {
        any |= switch (term.getKey()) {
          case "dangling" -> volume.dangling() == Boolean.parseBoolean(value);
          case "name" -> volume.name().contains(value);
          case "driver" -> volume.driver().equals(value);
          case "label" -> Labels.matches(volume.labels(), value);
          default -> false;
        };
      }
      if (!any) {
        return false;
      }
    }
    return true;
  }
}
