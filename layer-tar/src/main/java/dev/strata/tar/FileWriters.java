package dev.strata.tar;

import dev.strata.posix.OpenFile;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Creates small regular files on worker threads while the apply session parses the next entries.
 * Most of a small-file layer's cost is the kernel's: create, write, chown, chmod, times, close, a
 * few microseconds each; spread over the machine's cores they overlap, where GNU tar does them one
 * after another.
 *
 * <p>The session keeps the order a tar implies: it {@linkplain #drain() drains} (waits for every
 * pending file) before anything that could observe or undo one: a deletion or replacement, a hard
 * link, an entry at or below a pending path, and the end. A file whose name turns out to be taken
 * (a layer over a copied parent) is handed back by {@link #drain()} for the session to replace in
 * order, as it would have without workers. Content is held in memory until written, bounded by
 * {@link #MAX_BYTES_IN_FLIGHT}.
 */
final class FileWriters implements AutoCloseable {

  /** Files at most this large go to a worker; larger ones stream on the session's thread. */
  static final long MAX_FILE = 256 * 1024;
  /** Content waiting for a worker, at most: memory stays flat whatever the layer. */
  private static final long MAX_BYTES_IN_FLIGHT = 8L << 20;

  /** One file to create: its content already read, its metadata from the header. */
  record Job(EntryPath entry, Path path, TarEntry header, byte[] content) {}

  /** A job that did not complete: the name was taken ({@code exists}) or the call failed. */
  record Failure(Job job, boolean exists, IOException error) {}

  private final NewFiles newFiles;
  private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(1024);
  private final List<Thread> threads = new ArrayList<>();
  private final Object lock = new Object();
  /**
   * Guarded by lock: paths submitted and not yet drained (a failed one stays until the drain hands
   * it back, so no later entry can overtake it), how many are still running, the bytes they hold,
   * and what failed.
   */
  private final Set<String> pending = new HashSet<>();
  private int running;
  private long bytesInFlight;
  private final List<Failure> failures = new ArrayList<>();
  private boolean closed;
  /** Bumped by every drain: a worker then drops the directory it kept open, which may be gone. */
  private volatile long generation;

  FileWriters(int threads, NewFiles newFiles) {
    this.newFiles = newFiles;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::work, "strata-apply-writer-" + i);
      t.setDaemon(true);
      t.start();
      this.threads.add(t);
    }
  }

  /** True when {@code p}, or a directory above it, is a file still being written. */
  boolean pendingAtOrAbove(EntryPath p) {
    synchronized (lock) {
      if (pending.isEmpty()) {
        return false;
      }
      String rel = p.rel();
      if (pending.contains(rel)) {
        return true;
      }
      for (int i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) {
        if (pending.contains(rel.substring(0, i))) {
          return true;
        }
      }
      return false;
    }
  }

  /** Queues a file; waits while too much content is in flight. */
  void submit(Job job) throws IOException {
    synchronized (lock) {
      while (bytesInFlight > 0 && bytesInFlight + job.content().length > MAX_BYTES_IN_FLIGHT) {
        await();
      }
      pending.add(job.entry().rel());
      running++;
      bytesInFlight += job.content().length;
    }
    try {
      queue.put(job);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while queueing " + job.header().describe());
    }
  }

  /**
   * Waits until every queued file is finished. Returns the jobs whose name was taken, in the order
   * they were queued, for the caller to replace; throws the first other failure.
   */
  List<Job> drain() throws IOException {
    List<Failure> done;
    synchronized (lock) {
      while (running > 0) {
        await();
      }
      done = new ArrayList<>(failures);
      failures.clear();
      pending.clear();
      generation++;
    }
    List<Job> taken = new ArrayList<>();
    for (Failure f : done) {
      if (!f.exists()) {
        throw f.error();
      }
      taken.add(f.job());
    }
    taken.sort(java.util.Comparator.comparingLong(j -> j.header().offset()));
    return taken;
  }

  private void await() throws java.io.InterruptedIOException {
    try {
      lock.wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while writing layer files");
    }
  }

  private void work() {
    ContentWriter writer = new ContentWriter();
    long seen = generation;
    try (OpenParent parent = new OpenParent()) {
      while (true) {
        Job job;
        try {
          job = queue.take();
        } catch (InterruptedException e) {
          return;
        }
        if (job.content() == null) {
          return; // the end marker close() queues, one per worker
        }
        if (seen != generation) {
          parent.close();
          seen = generation;
        }
        finish(job, attempt(writer, parent, job));
      }
    }
  }

  private Failure attempt(ContentWriter writer, OpenParent parent, Job job) {
    try {
      write(writer, parent, job);
      return null;
    } catch (PosixException e) {
      return new Failure(job, e.errno() == PosixException.EEXIST, e);
    } catch (IOException e) {
      return new Failure(job, false, e);
    } catch (RuntimeException | Error e) {
      return new Failure(job, false, new EntryWriteException(job.header().describe() + ": " + e, e));
    }
  }

  private void finish(Job job, Failure failure) {
    synchronized (lock) {
      if (failure != null) {
        failures.add(failure);
      } else {
        pending.remove(job.entry().rel());
      }
      running--;
      bytesInFlight -= job.content().length;
      lock.notifyAll();
    }
  }

  /** Create (never over an existing name), content, metadata by descriptor, as the session does. */
  private void write(ContentWriter writer, OpenParent parent, Job job) throws IOException {
    try (OpenFile file = newFiles.create(parent, job.entry(), job.path(), job.header())) {
      writer.write(file, job.content(), job.header());
      newFiles.finish(file, parent, job.header());
    } catch (IOException e) {
      if (e instanceof PosixException p && p.errno() == PosixException.EEXIST) {
        throw e; // handed back by drain() for the session to replace
      }
      throw EntryWriteException.naming(job.header(), e);
    }
  }

  /** Waits for the workers to finish what is queued and stops them; failures are dropped. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    boolean interrupted = false;
    for (int i = 0; i < threads.size(); i++) {
      while (true) {
        try {
          queue.put(new Job(null, null, null, null));
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    for (Thread t : threads) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
