package dev.strata.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A response body whose every read must return within {@code timeout}. The JDK's HTTP client has
 * no read timeout once the headers are in: a server that stops sending mid-body leaves {@code read}
 * blocked forever. Here a watchdog closes the underlying stream when a read overruns, which wakes
 * the reader (the JDK's body stream unblocks on close), and the read fails with a
 * {@link StalledException}, which the transport's retry and the blob resume treat like a dropped
 * connection. Deliberately not an {@code InterruptedIOException} (as {@code SocketTimeoutException}
 * is): those mean "cancelled" to the callers and are not retried.
 */
final class IdleTimeoutInputStream extends FilterInputStream {

  private static final System.Logger LOG = System.getLogger(IdleTimeoutInputStream.class.getName());

  private final Duration timeout;
  private final ScheduledExecutorService watchdog;
  private final String what;
  private volatile boolean expired;

  IdleTimeoutInputStream(InputStream in, Duration timeout, ScheduledExecutorService watchdog, String what) {
    super(in);
    this.timeout = timeout;
    this.watchdog = watchdog;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (expired) {
      throw stalled(null);
    }
    ScheduledFuture<?> alarm = watchdog.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      if (expired) {
        throw stalled(e);
      }
      throw e;
    } finally {
      alarm.cancel(false);
    }
    if (n < 0 && expired) {
      // Closing may make the read look like a clean end of stream: it was not.
      throw stalled(null);
    }
    return n;
  }

  private void expire() {
    expired = true;
    try {
      in.close();
    } catch (IOException e) {
      // The reader fails with "stalled" either way; the close error adds nothing for the caller.
      LOG.log(Level.DEBUG, "closing stalled {0} failed: {1}", what, e.toString());
    }
  }

  private IOException stalled(IOException cause) {
    IOException e = new StalledException(what + " sent nothing for " + timeout.toMillis()
        + " ms; the connection stalled");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** A read overran the timeout. */
  static final class StalledException extends IOException {
    StalledException(String message) {
      super(message);
    }
  }
}
