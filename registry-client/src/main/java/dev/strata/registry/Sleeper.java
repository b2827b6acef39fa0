package dev.strata.registry;

import java.time.Duration;

/** Waits between retries; tests give one that records the delays instead of waiting. */
@FunctionalInterface
public interface Sleeper {

  /** The real one: {@link Thread#sleep}. */
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
