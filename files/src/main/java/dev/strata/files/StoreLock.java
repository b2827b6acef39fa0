package dev.strata.files;

import dev.strata.posix.LockFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock on one part of a store, shared by every process and thread that works on it: a file
 * locked with {@code flock(2)}. Exclusive holds wait for every other holder and are re-entrant
 * within a thread; shared holds wait only for an exclusive one. A process that dies drops its holds
 * with its files, so a crash never leaves the store locked.
 *
 * <p>The file also carries a <b>generation</b>, raised by every exclusive hold as it ends: a
 * process that caches what the lock guards compares it with the one it last saw and reloads when
 * another process changed something meanwhile.
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

  private final Path file;
  private final ReentrantLock threads = new ReentrantLock();
  /** Held by the thread that owns {@link #threads} while its exclusive hold lasts. */
  private LockFile exclusive;
  /** Open without a lock, to read the generation. */
  private final LockFile reader;

  private StoreLock(Path file, LockFile reader) {
    this.file = file;
    this.reader = reader;
  }

  /** The lock kept in {@code file}, created if absent (its directory must exist). */
  public static StoreLock at(Path file) throws IOException {
    return new StoreLock(file, LockFile.open(file));
  }

  /** Waits until no other thread or process holds the lock, then holds it alone. */
  public Hold exclusive() throws IOException {
    threads.lock();
    if (threads.getHoldCount() == 1) {
      try {
        LockFile f = LockFile.open(file);
        try {
          f.lock(true);
        } catch (IOException | RuntimeException e) {
          f.close();
          throw e;
        }
        exclusive = f;
      } catch (IOException | RuntimeException e) {
        threads.unlock();
        throw e;
      }
    }
    return this::releaseExclusive;
  }

  /** Waits until no one holds the lock exclusively, then holds it shared with other such holders. */
  public Hold shared() throws IOException {
    LockFile f = LockFile.open(file);
    try {
      f.lock(false);
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
    return f::close;
  }

  /** The generation the last exclusive hold left; read without locking. */
  public long generation() throws IOException {
    return reader.readCounter();
  }

  private void releaseExclusive() throws IOException {
    try {
      if (threads.getHoldCount() == 1) {
        LockFile f = Objects.requireNonNull(exclusive, "exclusive hold");
        exclusive = null;
        try {
          f.writeCounter(f.readCounter() + 1);
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
