package dev.strata.driver;

import dev.strata.driver.error.FailedPreconditionException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Mount reference counts, {@link AbstractGraphDriver}'s: the first {@link #acquire} of a layer performs the mount,
 * the last {@link #release} undoes it, and a failed mount or unmount leaves the count as it was.
 * Counts never go below zero. Thread-safe; one lock per driver instance is enough because mounting
 * is rare next to the I/O done inside a view.
 */
final class MountReferences {

  /** The action run on the first acquire or the last release. */
  interface Action {
    void run() throws IOException;
  }

  private final Map<LayerId, Integer> counts = new HashMap<>();

  /** Adds a reference, running {@code onFirst} when there was none; returns the new count. */
  synchronized int acquire(LayerId id, Action onFirst) throws IOException {
    int current = counts.getOrDefault(id, 0);
    if (current == 0) {
      onFirst.run();
    }
    counts.put(id, current + 1);
    return current + 1;
  }

  /**
   * Drops a reference, running {@code onLast} when it is the last; returns the new count.
   *
   * @throws FailedPreconditionException if {@code id} holds no reference
   */
  synchronized int release(LayerId id, Action onLast) throws IOException {
    int current = counts.getOrDefault(id, 0);
    if (current == 0) {
      throw new FailedPreconditionException(id.value(), "layer " + id + " is not mounted");
    }
    if (current == 1) {
      onLast.run();
      counts.remove(id);
      return 0;
    }
    counts.put(id, current - 1);
    return current - 1;
  }

  synchronized int count(LayerId id) {
    return counts.getOrDefault(id, 0);
  }

  /** Forgets a layer's references without running anything (the layer was force-removed). */
  synchronized void forget(LayerId id) {
    counts.remove(id);
  }
}
