package dev.strata.tar;

import dev.strata.posix.ReadOnlyFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes a diff tar's entries on a thread of its own: the walk finds entries (one {@code statx}
 * and one {@code listxattrat} per upper entry, a lookup in the parent, an {@code openat}) while
 * this thread encodes headers and copies content ({@code read}, {@code write}), so on two cores
 * the two halves overlap as {@code tar -c | cat} overlaps. Entries are written in the order they
 * are queued. At most {@value #DEPTH} entries wait, which bounds the descriptors held open.
 *
 * <p>A failure of the writer (a file that changed size, the output refusing bytes) is thrown to
 * the walk at its next {@link #write} or at {@link #finish}. {@link #close} stops the writer,
 * closing what is still queued; the caller's stream is never interrupted (an interrupt would
 * close a channel-backed stream under it).
 */
final class WriteBehind implements AutoCloseable {

  private static final int DEPTH = 256;
  private static final long POLL_MILLIS = 50;

  private record Item(TarHeader header, ReadOnlyFile content) {}

  private static final Item END = new Item(null, null);

  private final TarStreamWriter tar;
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(DEPTH);
  private final Thread thread;
  private volatile Throwable failure;
  private volatile boolean stop;
  private boolean ended;

  WriteBehind(TarStreamWriter tar) {
    this.tar = tar;
    this.thread = new Thread(this::run, "strata-diff-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code header} and its open {@code content} (null for none), which the writer closes. */
  void write(TarHeader header, ReadOnlyFile content) throws IOException {
    try {
      put(new Item(header, content));
    } catch (IOException | RuntimeException e) {
      if (content != null) {
        content.close();
      }
      throw e;
    }
  }

  /** Waits until every queued entry is written, then ends the archive and flushes it. */
  void finish() throws IOException {
    put(END);
    ended = true;
    join();
    throwFailure();
    tar.finish();
  }

  @Override
  public void close() throws IOException {
    if (!ended) {
      stop = true;
      ended = true;
      while (thread.isAlive() && !queue.offer(END)) {
        join(POLL_MILLIS);
      }
      join();
    }
    for (Item left; (left = queue.poll()) != null; ) {
      if (left.content() != null) {
        left.content().close();
      }
    }
  }

  private void put(Item item) throws IOException {
    try {
      while (!queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        throwFailure();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing a diff");
    }
    throwFailure();
  }

  private void run() {
    try {
      while (true) {
        Item item = queue.take();
        if (item == END || stop) {
          if (item.content() != null) {
            item.content().close();
          }
          return;
        }
        try (ReadOnlyFile content = item.content()) {
          if (content == null) {
            tar.writeHeaders(item.header());
          } else {
            tar.write(item.header(), content);
          }
        }
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  private void throwFailure() throws IOException {
    Throwable t = failure;
    if (t == null) {
      return;
    }
    if (t instanceof IOException e) {
      throw e;
    }
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new UncheckedIOException(new IOException("diff writer failed", t));
  }

  private void join() throws IOException {
    join(0);
  }

  private void join(long millis) throws IOException {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the diff writer");
    }
  }
}
