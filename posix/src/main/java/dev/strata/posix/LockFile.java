package dev.strata.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A file held open for {@code flock(2)}: shared or exclusive, waiting or not. The lock belongs to
 * this open file, so two {@code LockFile}s on one path exclude each other even in one process, as
 * two processes would; the kernel drops it when the file is closed or the process dies, so a
 * crashed holder never leaves it taken. The file may also carry a small counter ({@link
 * #readCounter}), read and written in place.
 *
 * <p>A lock file may be deleted while held (a removed container's, say): {@link #lock} and {@link
 * #tryLock} take the lock on the file that is at the path when they return, retrying when it was
 * replaced meanwhile, so two holders never lock two different files of one name. Not thread-safe:
 * one holder per instance. Closing is idempotent.
 */
public final class LockFile implements AutoCloseable {

  private static final int LOCK_SH = 1;
  private static final int LOCK_EX = 2;
  private static final int LOCK_NB = 4;
  private static final int LOCK_UN = 8;
  private static final int O_RDWR = 02;
  private static final int O_CREAT = 0100;
  private static final int O_CLOEXEC = 02000000;
  /** x86_64 {@code struct stat}: {@code st_dev} at 0, {@code st_ino} at 8; 144 bytes in all. */
  private static final int STAT_SIZE = 144;

  private final LibC libc = Native.LIBC;
  private final Path path;
  private int fd;

  private LockFile(Path path, int fd) {
    this.path = path;
    this.fd = fd;
  }

  /** Opens (creating, mode 0644) the lock file at {@code path}; takes no lock yet. */
  public static LockFile open(Path path) throws PosixException {
    int fd = Native.LIBC.open(RawNames.cString(path), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    Errors.check(fd, "open", path.toString());
    return new LockFile(path, fd);
  }

  /** Opens the lock file at {@code path} and waits for its lock, as {@link #lock} does. */
  public static LockFile locked(Path path, boolean exclusive) throws PosixException {
    LockFile f = open(path);
    try {
      f.lock(exclusive);
    } catch (PosixException | RuntimeException e) {
      f.close();
      throw e;
    }
    return f;
  }

  public Path path() {
    return path;
  }

  /** Waits for the lock: {@code exclusive}, or shared with other shared holders. */
  public void lock(boolean exclusive) throws PosixException {
    while (true) {
      int rc = libc.flock(fd(), exclusive ? LOCK_EX : LOCK_SH);
      if (rc < 0 && Errors.lastErrno() == PosixException.EINTR) {
        continue;
      }
      Errors.check(rc, "flock", path.toString());
      if (stillAtPath()) {
        return;
      }
      reopen();
    }
  }

  /** Takes the lock if no other holder is in the way; false (nothing held) when one is. */
  public boolean tryLock(boolean exclusive) throws PosixException {
    while (true) {
      int rc = libc.flock(fd(), (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
      if (rc < 0) {
        int errno = Errors.lastErrno();
        if (errno == PosixException.EINTR) {
          continue;
        }
        if (errno == PosixException.EAGAIN) {
          return false;
        }
        Errors.check(rc, "flock", path.toString());
      }
      if (stillAtPath()) {
        return true;
      }
      reopen();
    }
  }

  /** Drops the lock, keeping the file open. */
  public void unlock() throws PosixException {
    Errors.check(libc.flock(fd(), LOCK_UN), "flock", path.toString());
  }

  /** The counter stored in the file's first 8 bytes; 0 for a new file. */
  public long readCounter() throws PosixException {
    byte[] bytes = new byte[Long.BYTES];
    long n = Errors.check(libc.pread(fd(), bytes, bytes.length, 0), "pread", path.toString());
    return n < Long.BYTES ? 0 : ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** Stores {@code value} as the counter; meant for a holder of the exclusive lock. */
  public void writeCounter(long value) throws PosixException {
    byte[] bytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    long n = Errors.check(libc.pwrite(fd(), bytes, bytes.length, 0), "pwrite", path.toString());
    if (n != Long.BYTES) {
      throw new PosixException("pwrite", path + " (short write)", PosixException.EIO);
    }
  }

  /** Whether the path still names the file this holder locked (not deleted or replaced meanwhile). */
  private boolean stillAtPath() throws PosixException {
    byte[] open = new byte[STAT_SIZE];
    Errors.check(libc.fstat(fd(), open), "fstat", path.toString());
    byte[] named = new byte[STAT_SIZE];
    if (libc.stat(RawNames.cString(path), named) < 0) {
      if (Errors.lastErrno() == PosixException.ENOENT) {
        return false;
      }
      Errors.check(-1, "stat", path.toString());
    }
    ByteBuffer a = ByteBuffer.wrap(open).order(ByteOrder.nativeOrder());
    ByteBuffer b = ByteBuffer.wrap(named).order(ByteOrder.nativeOrder());
    return a.getLong(0) == b.getLong(0) && a.getLong(8) == b.getLong(8);
  }

  private void reopen() throws PosixException {
    close();
    int next = libc.open(RawNames.cString(path), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    Errors.check(next, "open", path.toString());
    fd = next;
  }

  private int fd() {
    if (fd < 0) {
      throw new IllegalStateException("lock file " + path + " is closed");
    }
    return fd;
  }

  /** Closes the file, which drops any lock it holds. */
  @Override
  public void close() {
    if (fd >= 0) {
      // close(2) releases the descriptor (and the lock) even when it reports an error.
      libc.close(fd);
      fd = -1;
    }
  }
}
