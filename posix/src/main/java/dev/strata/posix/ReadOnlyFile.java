package dev.strata.posix;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A file open for reading by descriptor ({@link EntryReads#open}). Closing is idempotent; use
 * after close is an {@link IllegalStateException}.
 */
public final class ReadOnlyFile implements AutoCloseable {

  private final LibC libc = Native.LIBC;
  private final Path dir;
  private final String name;
  private int fd;

  /** Opened as {@code name} in {@code dir}; the path is only made for a message. */
  ReadOnlyFile(Path dir, String name, int fd) {
    this.dir = dir;
    this.name = name;
    this.fd = fd;
  }

  /** The path the file was opened at; for messages. */
  public Path path() {
    return RawNames.resolve(dir, name);
  }

  /**
   * Reads into {@code buffer} (direct) from its position up to its limit, advancing the position;
   * returns the bytes read, 0 at the end of the file.
   */
  public int read(ByteBuffer buffer) throws PosixException {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("read needs a direct buffer");
    }
    while (true) {
      long n = libc.read(fd(), buffer, buffer.remaining());
      if (n >= 0) {
        buffer.position(buffer.position() + (int) n);
        return (int) n;
      }
      int errno = Errors.lastErrno();
      if (errno != PosixException.EINTR) {
        throw new PosixException("read", RawNames.printable(path()), errno);
      }
    }
  }

  private int fd() {
    if (fd < 0) {
      throw new IllegalStateException("file " + RawNames.printable(path()) + " is closed");
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
