package dev.strata.tar;

import dev.strata.posix.DirectoryFd;
import dev.strata.posix.EntryReads;
import dev.strata.posix.EntryStat;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether an overlay upper holds no redirected directory and no metacopy file: one {@code
 * getxattrat} per directory and per regular file (the listing's {@code d_type} tells them apart,
 * so no {@code lstat}). That is one call per file of the upper before a diff can start, so two
 * threads share the directories: the caller's and one more. Each check is used once.
 */
final class PlainUpperCheck {

  private static final long POLL_MICROS = 200;

  private final String redirect;
  private final String metacopy;
  /** Opened directories not yet read; each is closed by the thread that reads it. */
  private final LinkedBlockingDeque<DirectoryFd> todo = new LinkedBlockingDeque<>();
  /** Directories queued or being read: zero means the walk is over. */
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean found;
  private volatile IOException failure;

  PlainUpperCheck(String overlayXattrPrefix) {
    this.redirect = overlayXattrPrefix + "redirect";
    this.metacopy = overlayXattrPrefix + "metacopy";
  }

  /** True when nothing below {@code root} is a redirect or a metacopy ({@code root} itself is not checked). */
  boolean plain(DirectoryFd root) throws IOException {
    open.incrementAndGet();
    todo.add(root);
    Thread helper = new Thread(this::work, "strata-upper-check");
    helper.setDaemon(true);
    helper.start();
    try {
      work();
      helper.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      found = true;
      throw new InterruptedIOException("interrupted while checking an overlay upper");
    } finally {
      for (DirectoryFd left; (left = todo.poll()) != null; ) {
        left.close();
      }
    }
    if (failure != null) {
      throw failure;
    }
    return !found;
  }

  private void work() {
    EntryReads reads = new EntryReads();
    try {
      while (!found && failure == null && open.get() > 0) {
        DirectoryFd dir = todo.poll(POLL_MICROS, TimeUnit.MICROSECONDS);
        if (dir == null) {
          continue;
        }
        try (dir) {
          read(reads, dir);
        } finally {
          open.decrementAndGet();
        }
      }
    } catch (IOException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = new InterruptedIOException("interrupted while checking an overlay upper");
    }
  }

  private void read(EntryReads reads, DirectoryFd dir) throws IOException {
    reads.list(dir, (name, listedType) -> {
      if (found) {
        return;
      }
      int type = listedType == EntryReads.DT_UNKNOWN ? typeOf(reads, dir, name) : listedType;
      if (type == EntryReads.DT_DIR) {
        if (reads.xattr(dir, name, redirect).isPresent()) {
          found = true;
        } else {
          open.incrementAndGet();
          todo.add(dir.openDirectory(name));
        }
      } else if (type == EntryReads.DT_REG && reads.xattr(dir, name, metacopy).isPresent()) {
        found = true;
      }
    });
  }

  /** The {@code d_type} a filesystem that does not fill it in would have given; gone is neither. */
  private static int typeOf(EntryReads reads, DirectoryFd dir, String name) throws IOException {
    Optional<EntryStat> stat = reads.stat(dir, name);
    if (stat.isEmpty()) {
      return EntryReads.DT_UNKNOWN;
    }
    FileType type = FileType.ofMode(stat.get().mode());
    return type == FileType.DIRECTORY ? EntryReads.DT_DIR
        : type == FileType.REGULAR ? EntryReads.DT_REG : EntryReads.DT_UNKNOWN;
  }
}
