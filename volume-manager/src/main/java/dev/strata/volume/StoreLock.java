package dev.strata.volume;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises changes to the volumes of one root, between threads (a lock) and between processes
 * (an {@code flock} on a file in {@code volumes/}): two {@code strata} commands never interleave a
 * read-modify-write of a volume's state.
 */
final class StoreLock {

  private final ReentrantLock threads = new ReentrantLock();
  private final Path file;
  private FileChannel channel;
  private FileLock processes;

  StoreLock(Path file) {
    this.file = file;
  }

  /** A held lock; closing it releases. Re-entrant within a thread. */
  interface Held extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  Held hold() throws IOException {
    threads.lock();
    try {
      if (threads.getHoldCount() == 1) {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        processes = lockAcrossStores(channel);
      }
    } catch (IOException | RuntimeException e) {
      closeChannel();
      threads.unlock();
      throw e;
    }
    return this::release;
  }

  /**
   * {@code flock} waits for other processes; another store on the same root in this JVM shows up
   * as {@link java.nio.channels.OverlappingFileLockException} instead, so that case polls.
   */
  private static FileLock lockAcrossStores(FileChannel channel) throws IOException {
    while (true) {
      try {
        return channel.lock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        try {
          Thread.sleep(2);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted waiting for the volumes lock");
        }
      }
    }
  }

  /**
   * Like {@link #hold} but gives up at once when another thread or process holds {@code other}
   * (a second lock file, as {@code prune} uses to run one at a time).
   */
  static java.util.Optional<FileLock> tryExclusive(Path other) throws IOException {
    FileChannel ch = FileChannel.open(other, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        ch.close();
      }
      return java.util.Optional.ofNullable(lock);
    } catch (java.nio.channels.OverlappingFileLockException e) {
      ch.close();
      return java.util.Optional.empty(); // another thread of this process holds it
    }
  }

  private void release() throws IOException {
    try {
      if (threads.getHoldCount() == 1) {
        closeChannel();
      }
    } finally {
      threads.unlock();
    }
  }

  private void closeChannel() throws IOException {
    try {
      if (processes != null) {
        processes.release();
      }
    } finally {
      processes = null;
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }
  }
}
