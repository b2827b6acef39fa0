package dev.strata.cli;

import java.util.List;

/**
 * One interrupted run: where (a driver, and for power cuts the filesystem: {@code xfs/overlay2}),
 * which operation, in which {@link Phase} the kill or cut landed, what {@code check} found before
 * anything reopened the store, and the all-or-nothing outcome the scenario saw afterwards.
 */
record CrashTrial(String where, String operation, Phase phase, List<String> foundBeforeOpen, String outcome) {

  CrashTrial {
    foundBeforeOpen = List.copyOf(foundBeforeOpen);
  }

  /** What check found before reopening, as one word: {@code clean} or the kinds joined by {@code +}. */
  String beforeOpen() {
    return foundBeforeOpen.isEmpty() ? "clean" : String.join("+", foundBeforeOpen.stream().distinct().sorted().toList());
  }
}
