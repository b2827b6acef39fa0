package dev.strata.files;

import dev.strata.posix.LockFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The processes that have a store open. Each holds a shared {@code flock} on the store's users
 * file for as long as the store is open; the kernel drops it when a process dies. Crash recovery
 * (sweeping half-built layers, leftovers in staging directories, stale mounts) must only run when
 * no other process has the store open, since what looks like a leftover may be another process's
 * work in flight: {@link #whenAlone} runs it only while this process holds the file alone, and no
 * other process can open the store meanwhile.
 *
 * <p>A long-running process therefore delays the sweep of what a crashed neighbour left until it,
 * or the last process, finds itself alone; nothing is lost meanwhile, only kept.
 */
public final class StoreUsers implements AutoCloseable {

  /** Recovery run while no other process has the store open. */
  @FunctionalInterface
  public interface Recovery {
    void run() throws IOException;
  }

  private final LockFile file;

  private StoreUsers(LockFile file) {
    this.file = file;
  }

  /**
   * Joins the users of the store whose users file is {@code file} (created if absent): waits while
   * another process recovers the store, then holds the file shared.
   */
  public static StoreUsers join(Path file) throws IOException {
    return new StoreUsers(LockFile.locked(file, false));
  }

  /**
   * Runs {@code recovery} if no other process has the store open, holding the file exclusively
   * meanwhile so that none joins; returns whether it ran. Either way this process still holds the
   * file shared afterwards.
   */
  public synchronized boolean whenAlone(Recovery recovery) throws IOException {
    // A failed non-blocking conversion gives up the shared hold (flock converts by dropping the old
    // lock first), so both ways end by taking it shared again.
    boolean alone = file.tryLock(true);
    try {
      if (alone) {
        recovery.run();
      }
    } finally {
      file.lock(false);
    }
    return alone;
  }

  /** Leaves the users: the store may be recovered by the next process that finds itself alone. */
  @Override
  public synchronized void close() {
    file.close();
  }
}
