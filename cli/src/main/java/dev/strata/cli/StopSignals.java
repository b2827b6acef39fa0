package dev.strata.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop, so that {@code strata serve} closes its servers, removes
 * its sockets and exits 0 instead of dying as the JVM's default handlers would have it (143 or
 * 130, with only shutdown hooks to clean up). Install once per process: the handlers are the
 * process's.
 */
final class StopSignals {

  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile String received = "";

  /** Routes both signals to this object from now on. */
  static StopSignals install() {
    StopSignals s = new StopSignals();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), sig -> {
        s.received = "SIG" + sig.getName();
        s.stop.countDown();
      });
    }
    return s;
  }

  /** Waits for a signal and returns its name ({@code SIGTERM}). */
  String await() throws InterruptedException {
    stop.await();
    return received;
  }
}
