package dev.strata.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The trials of one test class, for its summary: one row per place and operation with the
 * interruptions per {@link Phase}, the outcomes and what check found before reopening.
 */
final class CrashTable {

  private final String title;
  private final List<CrashTrial> trials = new ArrayList<>();

  CrashTable(String title) {
    this.title = title;
  }

  synchronized void add(CrashTrial trial) {
    trials.add(trial);
  }

  synchronized String render(long seed) {
    StringBuilder s = new StringBuilder();
    s.append(title).append(" (seed ").append(seed).append(")\n");
    s.append(String.format("%-14s %-14s %6s %6s %6s %6s  %s | %s%n", "where", "operation", "before", "inside",
        "after", "total", "outcomes", "check before reopening"));
    Map<String, List<CrashTrial>> rows = trials.stream().collect(Collectors.groupingBy(
        t -> t.where() + "\t" + t.operation(), TreeMap::new, Collectors.toList()));
    for (Map.Entry<String, List<CrashTrial>> row : rows.entrySet()) {
      String[] key = row.getKey().split("\t");
      s.append(line(key[0], key[1], row.getValue()));
    }
    s.append(line("all", "", trials));
    return s.toString();
  }

  private static String line(String where, String operation, List<CrashTrial> row) {
    Map<Phase, Long> phases = row.stream().collect(Collectors.groupingBy(CrashTrial::phase, Collectors.counting()));
    return String.format("%-14s %-14s %6d %6d %6d %6d  %s | %s%n", where, operation,
        phases.getOrDefault(Phase.BEFORE_BEGIN, 0L), phases.getOrDefault(Phase.INSIDE, 0L),
        phases.getOrDefault(Phase.AFTER_FINISH, 0L), row.size(), count(row, CrashTrial::outcome),
        count(row, CrashTrial::beforeOpen));
  }

  private static Map<String, Long> count(List<CrashTrial> row, Function<CrashTrial, String> key) {
    return row.stream().map(key).collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
  }
}
