package dev.strata.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a thread of its own, two buffers ahead of the reader: whatever the source costs
 * (decompression, hashing, disk) overlaps with what the reader does with the bytes. Two buffers
 * circulate between the threads, so memory is fixed whatever the stream's length.
 *
 * <p>The source is only ever touched by the background thread until {@link #close()}, which lets
 * that thread finish the read it is in, waits for it, and then closes the source on the caller's
 * thread: a decompressor holding native memory is never closed under a running read, and the
 * thread is never interrupted (an interrupt would close an interruptible channel the caller owns).
 * A failure of the source is rethrown to the reader, once it has read everything before it.
 */
final class ThreadedReadAhead extends InputStream {

  private static final int BUFFERS = 2;
  /**
   * Bytes asked of the source per call. A decompressor that meets a truncated stream throws away
   * what it inflated in the failing call, so small calls keep the data before a cut readable and
   * the error then names the entry it cut, as it did without the read-ahead.
   */
  private static final int READ_SIZE = 64 * 1024;

  /** A filled buffer; {@code length} -1 ends the stream, {@code failure} ends it with an error. */
  private record Chunk(byte[] data, int length, Throwable failure) {}

  private final InputStream source;
  private final BlockingQueue<byte[]> empty = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final Thread reader;
  private volatile boolean closed;
  private Chunk current;
  private int position;
  private boolean ended;

  ThreadedReadAhead(InputStream source, int bufferSize) {
    this.source = source;
    for (int i = 0; i < BUFFERS; i++) {
      empty.add(new byte[bufferSize]);
    }
    reader = new Thread(this::fillLoop, "strata-read-ahead");
    reader.setDaemon(true);
    reader.start();
  }

  @Override
  public int read() throws IOException {
    if (!ensureData()) {
      return -1;
    }
    return current.data()[position++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!ensureData()) {
      return -1;
    }
    int n = Math.min(len, current.length() - position);
    System.arraycopy(current.data(), position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return current == null ? 0 : current.length() - position;
  }

  /** Makes {@link #current} hold unread bytes; false at the end of the stream. */
  private boolean ensureData() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (current == null || position == current.length()) {
      if (ended) {
        return false;
      }
      if (current != null) {
        empty.add(current.data());
        current = null;
      }
      Chunk next = take();
      if (next.failure() != null) {
        ended = true;
        throw rethrow(next.failure());
      }
      if (next.length() < 0) {
        ended = true;
        return false;
      }
      current = next;
      position = 0;
    }
    return true;
  }

  private Chunk take() throws InterruptedIOException {
    try {
      return full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the layer stream");
    }
  }

  private static IOException rethrow(Throwable failure) {
    if (failure instanceof IOException io) {
      return io;
    }
    if (failure instanceof UncheckedIOException u) {
      return u.getCause();
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    return new IOException(failure);
  }

  /** The background thread: fills empty buffers until the source ends, fails or we are closed. */
  private void fillLoop() {
    try {
      while (!closed) {
        byte[] buffer = empty.take();
        if (closed) {
          return;
        }
        int n = 0;
        int got = 0;
        try {
          while (n < buffer.length && (got = source.read(buffer, n, Math.min(READ_SIZE, buffer.length - n))) >= 0) {
            n += got;
          }
        } catch (Throwable t) {
          if (n > 0) {
            full.put(new Chunk(buffer, n, null));
          }
          full.put(new Chunk(null, -1, t));
          return;
        }
        if (n > 0) {
          full.put(new Chunk(buffer, n, null));
        }
        if (got < 0) {
          full.put(new Chunk(null, -1, null));
          return;
        }
      }
    } catch (InterruptedException e) {
      // nobody interrupts this thread; if something does, stop reading
    }
  }

  /** Stops the background thread after its current read, then closes the source. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    // Hand every buffer back so a reader blocked on an empty buffer wakes up, sees closed and ends.
    if (current != null && current.data() != null) {
      empty.offer(current.data());
      current = null;
    }
    for (Chunk c; (c = full.poll()) != null; ) {
      if (c.data() != null) {
        empty.offer(c.data());
      }
    }
    boolean interrupted = false;
    while (true) {
      try {
        reader.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    source.close();
  }
}
