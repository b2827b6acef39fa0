package dev.strata.cli;

import java.util.List;

/**
 * Where in a {@link CrashChild}'s run a kill or power cut landed, told by the lines the child had
 * written before it: nothing yet, {@code begun} only, or {@code finished} too. The harness times
 * every interruption from {@code begun}, so {@link #BEFORE_BEGIN} must never happen.
 */
enum Phase {
  BEFORE_BEGIN("before begin"),
  INSIDE("inside"),
  AFTER_FINISH("after finish");

  private final String label;

  Phase(String label) {
    this.label = label;
  }

  /** The phase for the lines the child had written when it was interrupted. */
  static Phase of(List<String> heard) {
    if (heard.stream().anyMatch(l -> l.startsWith(CrashChild.FINISHED + " "))) {
      return AFTER_FINISH;
    }
    return heard.contains(CrashChild.BEGUN) ? INSIDE : BEFORE_BEGIN;
  }

  @Override
  public String toString() {
    return label;
  }
}
