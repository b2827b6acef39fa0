package dev.strata.bench.compare;

import dev.strata.posix.FileSync;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Untimed warmups (one unless told), then timed runs of a {@link Trial}, each followed by its reset
 * and a {@code syncfs} of the filesystem it wrote: the dirty pages of one run must not be written
 * back during the next (the script does the same between the runs of every other tool).
 *
 * <p>Either all {@code runs} at once ({@link #measure}), or one run per request ({@link
 * #measureOnRequest}): the script then times another tool between two of Strata's runs, so both
 * sides see the same moments of a noisy machine.
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

  /**
   * Warms up, prints {@code ready}, then performs one timed run for each {@code run} line read from
   * {@code requests} and prints its milliseconds, until end of input or a line {@code end}.
   */
  void measureOnRequest(Trial trial, BufferedReader requests, PrintStream out) throws IOException {
    int run = 0;
    for (; run < warmups; run++) {
      sync.syncFilesystem(filesystem);
      trial.timedNanos(run);
      trial.reset(run);
    }
    out.println("ready");
    out.flush();
    for (String line = requests.readLine(); line != null && !line.equals("end"); line = requests.readLine()) {
      if (!line.equals("run")) {
        throw new IOException("expected 'run' or 'end', not '" + line + "'");
      }
      sync.syncFilesystem(filesystem);
      long nanos = trial.timedNanos(run);
      trial.reset(run);
      sync.syncFilesystem(filesystem);
      out.printf(Locale.ROOT, "%.3f%n", nanos / 1e6);
      out.flush();
      run++;
    }
  }
}
