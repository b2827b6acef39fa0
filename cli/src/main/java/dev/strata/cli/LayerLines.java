package dev.strata.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-layer output of {@code pull} and {@code push}: a progress bar per layer on stderr while
 * it moves (a terminal only), then one line on stdout when it is done, as Docker prints them
 * ({@code 3f4d90098f5b: Pull complete}). Listeners call it from transfer threads.
 */
final class LayerLines implements AutoCloseable {

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean terminal;
  private final Map<String, Progress> bars = new HashMap<>();

  LayerLines(PrintWriter out, PrintWriter err, boolean terminal) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  /** The 12 hex digits Docker shows for a layer. */
  static String shortId(String hex) {
    return hex.substring(0, Math.min(12, hex.length()));
  }

  synchronized void moving(String id, String verb, long done, long total) {
    if (!terminal || total <= 0) {
      return;
    }
    bars.computeIfAbsent(id, k -> new Progress(err, true, k + ": " + verb, total)).update(done);
  }

  synchronized void done(String id, String status) {
    Progress bar = bars.remove(id);
    if (bar != null) {
      bar.close();
    }
    out.println(id + ": " + status);
    out.flush();
  }

  @Override
  public synchronized void close() {
    bars.values().forEach(Progress::close);
    bars.clear();
  }
}
