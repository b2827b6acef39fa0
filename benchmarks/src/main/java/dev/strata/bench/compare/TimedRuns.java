package dev.strata.bench.compare;

import dev.strata.posix.FileSync;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Untimed warmups (one unless told), then {@code runs} timed runs of a {@link Trial}, each followed by its reset
 * and a {@code syncfs} of the filesystem it wrote: the dirty pages of one run must not be written
 * back during the next (the script does the same between the runs of every other tool).
 */
final class TimedRuns {

  private final int warmups;
  private final int runs;
  private final Path filesystem;
  private final FileSync sync = new FileSync();

  TimedRuns(int warmups, int runs, Path filesystem) {
    if (runs < 1 || warmups < 1) {
      throw new IllegalArgumentException("need at least 1 warmup and 1 run, not " + warmups + " and " + runs);
    }
    this.warmups = warmups;
    this.runs = runs;
    this.filesystem = filesystem;
  }

  /** Prints one line per timed run: milliseconds, three decimals. */
  void measure(Trial trial, PrintStream out) throws IOException {
    for (int run = 0; run < warmups + runs; run++) {
      sync.syncFilesystem(filesystem);
      long nanos = trial.timedNanos(run);
      trial.reset(run);
      if (run >= warmups) {
        out.printf(Locale.ROOT, "%.3f%n", nanos / 1e6);
        out.flush();
      }
    }
    sync.syncFilesystem(filesystem);
  }
}
