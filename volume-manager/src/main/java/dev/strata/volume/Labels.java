package dev.strata.volume;

import java.util.Map;

/** Label filters: {@code KEY} matches any value, {@code KEY=VALUE} only that one. */
final class Labels {

  private Labels() {}

  static boolean matches(Map<String, String> labels, String filter) {
    int eq = filter.indexOf('=');
    if (eq < 0) {
      return labels.containsKey(filter);
    }
    String value = labels.get(filter.substring(0, eq));
    return value != null && value.equals(filter.substring(eq + 1));
  }
}
