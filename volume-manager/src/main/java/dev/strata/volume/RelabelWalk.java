package dev.strata.volume;

import dev.strata.posix.DirectoryEntries;
import dev.strata.posix.DirectoryFd;
import dev.strata.posix.RawNames;
import dev.strata.posix.PosixException;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One relabel's walk: a fork/join task per directory, the counters, and the first failure.
 *
 * <p>Everything below the root is reached relative to open directories: a task opens its
 * directory with {@code openat(parent, name, O_NOFOLLOW)}, lists it with {@code getdents64} and
 * reads and writes each entry's label with {@code getxattrat}/{@code setxattrat} relative to it.
 * So no call looks up a full path, and a directory swapped for a symlink after it was listed is
 * refused by the kernel instead of followed. A task keeps its directory open while its
 * subdirectories run, since they open relative to it: open descriptors grow with depth times the
 * pool's parallelism, not with the width of the tree.
 */
final class RelabelWalk {

  private static final System.Logger LOG = System.getLogger(RelabelWalk.class.getName());
  /** Labels are short; a longer stored value cannot match and is reported by length only. */
  private static final int LABEL_BUFFER = 256;

  private final Xattrs xattrs;
  private final Supplier<DirectoryEntries> newEntries;
  private final SelinuxLabel label;
  private final byte[] value;
  /** Listing buffers, one taken per running task: as many as tasks ever ran at once. */
  private final ConcurrentLinkedQueue<Reader> readers = new ConcurrentLinkedQueue<>();
  private final LongAdder visited = new LongAdder();
  private final LongAdder changed = new LongAdder();
  private final AtomicReference<IOException> failure = new AtomicReference<>();
  /**
   * go-selinux's fast mode: only when the root already carried the label is anything below it
   * likely to, so only then is each entry's label read first (and an equal one left untouched).
   * A first relabel writes without reading: one call per entry, as {@code chcon -R} does.
   */
  private volatile boolean readFirst = true;

  RelabelWalk(Xattrs xattrs, Supplier<DirectoryEntries> newEntries, SelinuxLabel label) {
    this.xattrs = xattrs;
    this.newEntries = newEntries;
    this.label = label;
    this.value = label.xattrValue();
  }

  /**
   * Labels {@code path} itself unless it already carries the label; whether it did decides how
   * the entries below are treated (see {@link #readFirst}).
   */
  void label(Path path) throws PosixException {
    Optional<byte[]> current = xattrs.get(path, Relabeler.XATTR);
    visited.increment();
    if (current.isPresent() && label.matches(current.get())) {
      return;
    }
    readFirst = false;
    xattrs.set(path, Relabeler.XATTR, value);
    changed.increment();
  }

  /** Labels everything below {@code root} (not root itself). */
  void walk(ForkJoinPool pool, Path root) throws IOException {
    DirectoryFd dir;
    try {
      dir = DirectoryFd.open(root);
    } catch (PosixException e) {
      if (e.errno() == PosixException.ENOENT) {
        return; // removed since it was labelled: nothing left below it
      }
      if (e.errno() == PosixException.ENOTDIR) {
        LOG.log(Level.WARNING, "not relabelling below {0}: it was replaced by a file or a symlink"
            + " after it was resolved", root);
        return;
      }
      throw e;
    }
    try (dir) {
      pool.invoke(new Directory(dir));
    }
    IOException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  RelabelResult result() {
    return new RelabelResult(visited.sum(), changed.sum());
  }

  private void fail(IOException e) {
    if (!failure.compareAndSet(null, e)) {
      failure.get().addSuppressed(e);
    }
  }

  /**
   * The stored value names the label: the bytes {@code lsetfilecon} writes, or those without the
   * trailing NUL as go-selinux writes them. Byte comparison: no string per entry.
   */
  private boolean matches(byte[] stored, int length) {
    return Arrays.equals(stored, 0, length, value, 0, value.length)
        || Arrays.equals(stored, 0, length, value, 0, value.length - 1);
  }

  /** A thread's listing and attribute buffers. */
  private final class Reader {
    final DirectoryEntries entries = newEntries.get();
    final byte[] stored = new byte[LABEL_BUFFER];
  }

  private final class Directory extends RecursiveAction {

    private final DirectoryFd parent;
    private final String name;
    private DirectoryFd opened;

    /** The root, already open. */
    Directory(DirectoryFd root) {
      this.parent = null;
      this.name = null;
      this.opened = root;
    }

    Directory(DirectoryFd parent, String name) {
      this.parent = parent;
      this.name = name;
    }

    @Override
    protected void compute() {
      if (failure.get() != null) {
        return;
      }
      DirectoryFd dir = opened;
      try {
        if (dir == null) {
          dir = open();
          if (dir == null) {
            return;
          }
        }
        List<Directory> subdirectories = list(dir);
        invokeAll(subdirectories);
      } catch (IOException e) {
        fail(e);
      } finally {
        if (dir != null && parent != null) {
          dir.close();
        }
      }
    }

    /** Opens this directory relative to its parent; null when there is nothing left to label. */
    private DirectoryFd open() throws PosixException {
      try {
        return parent.openDirectory(name);
      } catch (PosixException e) {
        switch (e.errno()) {
          case PosixException.ENOENT -> {
            return null; // removed after the parent listed it: nothing left to label
          }
          case PosixException.ENOTDIR, PosixException.ELOOP -> {
            LOG.log(Level.WARNING, "not relabelling below {0}: it was replaced by a file or a"
                + " symlink while the tree was walked, and a symlink's target may lie outside the"
                + " tree", RawNames.resolve(parent.path(), name));
            return null;
          }
          default -> throw e;
        }
      }
    }

    /** Labels every entry of {@code dir}; returns its subdirectories, not yet started. */
    private List<Directory> list(DirectoryFd dir) throws PosixException {
      List<Directory> subdirectories = new ArrayList<>();
      Reader reader = readers.poll();
      if (reader == null) {
        reader = new Reader();
      }
      long read = 0;
      long written = 0;
      try {
        DirectoryEntries entries = reader.entries;
        entries.open(dir);
        while (entries.next()) {
          if (failure.get() != null) {
            return List.of();
          }
          try {
            boolean wrote = visit(entries, reader.stored);
            read++;
            if (wrote) {
              written++;
            }
            if (entries.isDirectory()) {
              subdirectories.add(new Directory(dir, entries.name()));
            }
          } catch (PosixException e) {
            if (e.errno() != PosixException.ENOENT) {
              throw e;
            }
            // deleted between listing and labelling: the race go-selinux also ignores
          }
        }
      } finally {
        readers.add(reader);
        visited.add(read);
        changed.add(written);
      }
      return subdirectories;
    }

    /** Labels the current entry unless it carries the label; true when it was written. */
    private boolean visit(DirectoryEntries entries, byte[] stored) throws PosixException {
      if (readFirst) {
        int length = entries.get(stored);
        if (length >= 0 && length <= stored.length && matches(stored, length)) {
          return false;
        }
      }
      entries.set(value);
      return true;
    }
  }
}
