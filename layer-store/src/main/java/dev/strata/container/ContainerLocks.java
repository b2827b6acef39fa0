package dev.strata.container;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per container name, held while an operation on that container runs, so that a mount
 * and an unmount of the same container cannot interleave between counting and acting. Locks of
 * names nobody is using are dropped, so the table stays as small as the work in flight.
 */
final class ContainerLocks {

  /** Work done under a container's lock. */
  @FunctionalInterface
  interface Locked<T> {
    T run() throws IOException;
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  private final Map<String, Entry> entries = new HashMap<>();

  /** Runs {@code work} holding {@code name}'s lock; reentrant, so one operation may call another. */
  <T> T with(String name, Locked<T> work) throws IOException {
    Entry entry;
    synchronized (entries) {
      entry = entries.computeIfAbsent(name, n -> new Entry());
      entry.users++;
    }
    try {
      entry.lock.lock();
      try {
        return work.run();
      } finally {
        entry.lock.unlock();
      }
    } finally {
      synchronized (entries) {
        if (--entry.users == 0) {
          entries.remove(name);
        }
      }
    }
  }
}
