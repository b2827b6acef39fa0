package dev.strata.files;

import dev.strata.posix.LockFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock on one part of a store, shared by every process and thread that works on it: a file
 * locked with {@code flock(2)}. Exclusive holds wait for every other holder and are re-entrant
 * within a thread; shared holds wait only for an exclusive one. A process that dies drops its holds
 * with its files, so a crash never leaves the store locked.
 *
 * <p>The file also carries a <b>generation</b>, raised as it ends by every exclusive hold that
 * may have changed something (not by {@link #reading} holds alone). A
 * process that caches what the lock guards registers how to drop those caches ({@link #onChange});
 * they are dropped when an exclusive hold begins, or {@link #refreshIfChanged} is called, and the
 * generation differs from the one this lock last saw, that is when another process (or another
 * {@code StoreLock} on the file) changed something meanwhile.
 *
 * <p>A thread that holds the lock exclusively must not ask for a shared hold of it (the two would
 * wait for each other). Closing the lock releases nothing a thread still holds.
 */
public final class StoreLock implements AutoCloseable {

  /** A hold; closing it releases. */
  public interface Hold extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /** Drops what a process cached of what the lock guards. */
  @FunctionalInterface
  public interface Reload {
    void run() throws IOException;
  }

  private final Path file;
  private final ReentrantLock threads = new ReentrantLock();
  /** Held by the thread that owns {@link #threads} while its exclusive hold lasts. */
  private LockFile exclusive;
  /** Open without a lock, to read the generation. */
  private final LockFile reader;
  private final List<Reload> reloads = new CopyOnWriteArrayList<>();
  /** The generation after this lock's last exclusive hold or reload. */
  private volatile long seen;
  /** Whether the current exclusive hold, or one nested in it, came from {@link #exclusive}. */
  private boolean writing;

  private StoreLock(Path file, LockFile reader) throws IOException {
    this.file = file;
    this.reader = reader;
    this.seen = reader.readCounter();
  }

  /** The lock kept in {@code file}, created if absent (its directory must exist). */
  public static StoreLock at(Path file) throws IOException {
    LockFile reader = LockFile.open(file);
    try {
      return new StoreLock(file, reader);
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** Registers how to drop a cache of what the lock guards. */
  public void onChange(Reload reload) {
    reloads.add(reload);
  }

  /** Drops the registered caches when the generation moved since this lock last looked. */
  public void refreshIfChanged() throws IOException {
    long now = reader.readCounter();
    if (now != seen) {
      for (Reload r : reloads) {
        r.run();
      }
      seen = now;
    }
  }

  /** Waits until no other thread or process holds the lock, then holds it alone. */
  public Hold exclusive() throws IOException {
    return hold(true);
  }

  /**
   * Holds the lock alone, as {@link #exclusive} does, to read what it guards: a hold that only
   * read leaves the generation as it was, so other processes keep their caches.
   */
  public Hold reading() throws IOException {
    return hold(false);
  }

  private Hold hold(boolean writes) throws IOException {
    threads.lock();
    if (threads.getHoldCount() == 1) {
      try {
        exclusive = LockFile.locked(file, true);
        refreshIfChanged();
      } catch (IOException | RuntimeException e) {
        releaseExclusive();
        throw e;
      }
    }
    writing |= writes;
    return this::releaseExclusive;
  }

  /** Waits until no one holds the lock exclusively, then holds it shared with other such holders. */
  public Hold shared() throws IOException {
    return LockFile.locked(file, false)::close;
  }

  /** The generation the last exclusive hold left; read without locking. */
  public long generation() throws IOException {
    return reader.readCounter();
  }

  private void releaseExclusive() throws IOException {
    try {
      if (threads.getHoldCount() == 1 && exclusive != null) {
        LockFile f = exclusive;
        exclusive = null;
        boolean wrote = writing;
        writing = false;
        try {
          if (wrote) {
            long next = f.readCounter() + 1;
            f.writeCounter(next);
            // Held alone until now: nobody else moved it between the reload and this write.
            seen = next;
          }
        } finally {
          f.close();
        }
      }
    } finally {
      threads.unlock();
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
