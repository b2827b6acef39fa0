package dev.strata.container;

import dev.strata.posix.LockFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per container name, held while an operation on that container runs, so that a mount
 * and an unmount of the same container cannot interleave between counting and acting: between
 * threads, a lock per name; between processes, an {@code flock} of {@code <root>/locks/containers/<name>}.
 * Locks of names nobody is using are dropped, so the table stays as small as the work in flight.
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

  private final Path dir;
  private final Map<String, Entry> entries = new HashMap<>();

  ContainerLocks(Path dir) {
    this.dir = dir;
  }

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
        if (entry.lock.getHoldCount() > 1) {
          return work.run();
        }
        Files.createDirectories(dir);
        try (LockFile processes = LockFile.open(dir.resolve(name))) {
          processes.lock(true);
          return work.run();
        }
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

  /**
   * Deletes the lock file of a removed container; the caller holds its lock. A process waiting for
   * it locks the file it then finds at the path instead ({@link LockFile}).
   */
  void forget(String name) throws IOException {
    Files.deleteIfExists(dir.resolve(name));
  }
}
