package dev.strata.posix;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A regular file open for writing by descriptor, with the calls that finish it: content, owner,
 * mode, xattrs and times all act on the open file, so none of them looks its path up again (a
 * layer apply makes five such calls per file; by path each walked the whole path from {@code /}).
 * Closing is idempotent; use after close is an {@link IllegalStateException}.
 */
public final class OpenFile implements AutoCloseable {

  private static final int AT_EMPTY_PATH = 0x1000;
  /** The empty path {@code AT_EMPTY_PATH} names the descriptor itself with. */
  private static final byte[] EMPTY = {0};
  private static final long UTIME_OMIT = (1L << 30) - 2L;

  private final LibC libc = Native.LIBC;
  private final Path path;
  private int fd;

  OpenFile(Path path, int fd) {
    this.path = path;
    this.fd = fd;
  }

  /** The path the file was created at; for messages. */
  public Path path() {
    return path;
  }

  /**
   * Writes all of {@code buffer}'s remaining bytes at {@code offset}; {@code buffer} must be direct
   * and is left with no bytes remaining.
   */
  public void write(ByteBuffer buffer, long offset) throws PosixException {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("pwrite needs a direct buffer");
    }
    long at = offset;
    while (buffer.hasRemaining()) {
      // jnr-ffi passes the address of the buffer's position.
      long n = libc.pwrite(fd(), buffer, buffer.remaining(), at);
      Errors.check(n, "pwrite", path.toString());
      buffer.position(buffer.position() + (int) n);
      at += n;
    }
  }

  /** {@code ftruncate(2)}: sets the length, growing the file with a hole. */
  public void setLength(long length) throws PosixException {
    Errors.check(libc.ftruncate(fd(), length), "ftruncate", path.toString());
  }

  /** {@code fchown(2)}. */
  public void chown(int uid, int gid) throws PosixException {
    Errors.check(libc.fchown(fd(), uid, gid), "fchown", path.toString());
  }

  /** {@code fchmod(2)} with all twelve permission bits (setuid, setgid, sticky kept). */
  public void chmod(int mode) throws PosixException {
    Errors.check(libc.fchmod(fd(), mode & 07777), "fchmod", path.toString());
  }

  /** {@code fsetxattr(2)}: sets or replaces {@code name}. */
  public void setXattr(String name, byte[] value) throws PosixException {
    Errors.check(libc.fsetxattr(fd(), name, value, value.length, 0), "fsetxattr", path + " " + name);
  }

  /** Nanosecond access and modification times; a {@code null} time is left unchanged. */
  public void setTimes(Timestamp atime, Timestamp mtime) throws PosixException {
    long[] ts = {
      atime == null ? 0 : atime.seconds(), atime == null ? UTIME_OMIT : atime.nanos(),
      mtime == null ? 0 : mtime.seconds(), mtime == null ? UTIME_OMIT : mtime.nanos()
    };
    // utimensat(fd, "", times, AT_EMPTY_PATH) is futimens(fd): glibc's futimens is exactly this.
    Errors.check(libc.utimensat(fd(), EMPTY, ts, AT_EMPTY_PATH), "futimens", path.toString());
  }

  /** {@code fsync(2)}. */
  public void sync() throws PosixException {
    Errors.check(libc.fsync(fd()), "fsync", path.toString());
  }

  private int fd() {
    if (fd < 0) {
      throw new IllegalStateException("file " + path + " is closed");
    }
    return fd;
  }

  @Override
  public void close() {
    if (fd >= 0) {
      // close(2) releases the descriptor even when it reports an error; there is nothing to retry.
      libc.close(fd);
      fd = -1;
    }
  }
}
