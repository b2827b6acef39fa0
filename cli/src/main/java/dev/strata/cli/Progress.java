package dev.strata.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr when stderr is a terminal; silent in a pipe or a file, so
 * scripts and tests see only results. Thread-safe: a {@link ProcessIo.Poller} may drive it.
 */
final class Progress implements AutoCloseable {

  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean enabled;
  private final String label;
  private final long total;
  private long done;
  private int lastShown = -1;

  Progress(PrintWriter err, boolean enabled, String label, long total) {
    this.err = err;
    this.enabled = enabled;
    this.label = label;
    this.total = total;
  }

  /** True when the process talks to a terminal: the JVM has a console. */
  static boolean terminal() {
    return System.console() != null;
  }

  boolean enabled() {
    return enabled;
  }

  synchronized void advance(long amount) {
    done += amount;
    show();
  }

  /** Sets the amount done (capped below 100% until {@link #close}: estimates run over). */
  synchronized void update(long amount) {
    done = total <= 0 ? 0 : Math.min(amount, total * 99 / 100);
    show();
  }

  /** {@code out}, advancing this bar by every byte written through it. */
  OutputStream counting(OutputStream out) {
    if (!enabled) {
      return out;
    }
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        advance(len);
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        advance(1);
      }
    };
  }

  private void show() {
    if (!enabled) {
      return;
    }
    int percent = total <= 0 ? 0 : (int) Math.min(100, done * 100 / total);
    if (percent == lastShown) {
      return;
    }
    lastShown = percent;
    int filled = percent * WIDTH / 100;
    err.print("\r" + label + " [" + "=".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "%");
    err.flush();
  }

  @Override
  public synchronized void close() {
    if (enabled && lastShown >= 0) {
      err.print("\r" + " ".repeat(label.length() + WIDTH + 10) + "\r");
      err.flush();
    }
  }
}
