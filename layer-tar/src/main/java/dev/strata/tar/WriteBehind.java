package dev.strata.tar;

import dev.strata.posix.DirectoryFd;
import dev.strata.posix.EntryReads;
import dev.strata.posix.ReadOnlyFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes a diff tar's entries on a thread of its own: the walk finds entries (a {@code statx} and
 * a {@code listxattrat} per upper entry, a lookup in the parent) while this thread opens each
 * file by its name in its open directory, copies its content and encodes the headers, so on two
 * cores the halves overlap as {@code tar -c | cat} overlaps. Entries are written in the order
 * they are queued. A directory the walk is done with is queued too ({@link #release}) and closed
 * by this thread after the files queued before it, which are the only ones that need it. At most
 * {@value #DEPTH} entries wait.
 *
 * <p>A failure of the writer (a file that changed size, the output refusing bytes) is thrown to
 * the walk at its next {@link #write} or at {@link #finish}. {@link #close} stops the writer and
 * then closes what is still queued; the caller's stream is never interrupted (an interrupt would
 * close a channel-backed stream under it).
 */
final class WriteBehind implements AutoCloseable {

  private static final int DEPTH = 256;
  private static final long POLL_MILLIS = 50;

  /** An entry (content in {@code dir}'s {@code name} when it has any), or a directory to close. */
  private record Item(TarHeader header, DirectoryFd dir, String name, DirectoryFd release) {}

  private static final Item END = new Item(null, null, null, null);

  private final TarStreamWriter tar;
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(DEPTH);
  private final Thread thread;
  /** Directories whose release could not be queued: closed once the writer has stopped. */
  private final List<DirectoryFd> orphans = new ArrayList<>();
  private volatile Throwable failure;
  private volatile boolean stop;
  private boolean ended;

  WriteBehind(TarStreamWriter tar) {
    this.tar = tar;
    this.thread = new Thread(this::run, "strata-diff-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code header}, with the content of {@code source} for a regular file of non-zero size. */
  void write(TarHeader header, TreeEntry source) throws IOException {
    put(source == null ? new Item(header, null, null, null) : new Item(header, source.dir(), source.name(), null));
  }

  /** Closes {@code dir} once every entry queued before is written. */
  void release(DirectoryFd dir) {
    try {
      put(new Item(null, null, null, dir));
    } catch (IOException | RuntimeException e) {
      // The writer failed or the walk was interrupted: either is thrown by the next write or
      // finish; the directory waits until the writer has stopped.
      orphans.add(dir);
    }
  }

  /** Waits until every queued entry is written, then ends the archive and flushes it. */
  void finish() throws IOException {
    put(END);
    ended = true;
    join(0);
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
      join(0);
    }
    for (Item left; (left = queue.poll()) != null; ) {
      if (left.release() != null) {
        left.release().close();
      }
    }
    orphans.forEach(DirectoryFd::close);
    orphans.clear();
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
    EntryReads reads = new EntryReads();
    try {
      while (true) {
        Item item = queue.take();
        if (item.release() != null) {
          item.release().close();
        } else if (item == END || stop) {
          return;
        } else if (item.dir() == null) {
          tar.writeHeaders(item.header());
        } else {
          try (ReadOnlyFile content = reads.open(item.dir(), item.name())) {
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

  private void join(long millis) throws IOException {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the diff writer");
    }
  }
}
