package dev.strata.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One kill: how long after the start it came, whether the process was still running (exit
 * {@link StrataProcess#KILLED}) or had finished, what {@code check} found before anything reopened
 * the store, and the all-or-nothing outcome the scenario saw afterwards.
 */
record CrashTrial(String kind, long delayMillis, boolean killed, List<String> foundBeforeOpen, String outcome) {

  CrashTrial {
    foundBeforeOpen = List.copyOf(foundBeforeOpen);
  }

  /** {@code load: 30 trials, 24 killed before finish, outcomes {...}, before reopen {...}}, for the issue note. */
  static String summary(String kind, List<CrashTrial> trials, long fullMillis, long windowMillis) {
    long killed = trials.stream().filter(CrashTrial::killed).count();
    Map<String, Long> outcomes = count(trials.stream().map(CrashTrial::outcome).toList());
    Map<String, Long> before = count(trials.stream()
        .map(t -> t.foundBeforeOpen().isEmpty() ? "clean" : String.join("+", t.foundBeforeOpen().stream()
            .distinct().sorted().toList()))
        .toList());
    return String.format("crash %-14s trials %4d  killed before finish %4d  finished %4d  outcomes %s"
        + "  check before reopen %s  (operation ~%d ms, kills uniform over 0..%d ms)", kind, trials.size(), killed,
        trials.size() - killed, outcomes, before, fullMillis, windowMillis);
  }

  private static Map<String, Long> count(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
  }
}
