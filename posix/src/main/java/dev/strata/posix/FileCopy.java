package dev.strata.posix;

import java.nio.file.Path;

/**
 * Kernel-side file copies: a reflink ({@code FICLONE}, shares extents, O(1)) and
 * {@code copy_file_range(2)} (no bytes through user space, may reflink or offload).
 */
public final class FileCopy {

  /** {@code _IOW(0x94, 9, int)} from linux/fs.h. */
  static final long FICLONE = 0x40049409L;

  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_NOFOLLOW = 0400000;

  private final LibC libc = Native.LIBC;

  /**
   * Makes the existing empty file {@code dst} share {@code src}'s extents.
   *
   * @throws PosixException with {@code EOPNOTSUPP}, {@code EXDEV} or {@code EINVAL} when the
   *     filesystem (or the pair) cannot reflink; callers fall back to a copy
   */
  public void reflink(Path src, Path dst) throws PosixException {
    int in = open(src, O_RDONLY);
    try {
      int out = open(dst, O_WRONLY);
      try {
        Errors.check(libc.ioctl(out, FICLONE, in), "ioctl(FICLONE)", src + " -> " + dst);
      } finally {
        libc.close(out);
      }
    } finally {
      libc.close(in);
    }
  }

  /**
   * Copies {@code length} bytes from the start of {@code src} into the existing file {@code dst}
   * with {@code copy_file_range(2)}, then sets {@code dst}'s length.
   *
   * @throws PosixException with {@code EXDEV}, {@code ENOSYS}, {@code EOPNOTSUPP} or {@code EINVAL}
   *     when the kernel cannot do it for this pair; callers fall back to a copy
   */
  public void copyRange(Path src, Path dst, long length) throws PosixException {
    int in = open(src, O_RDONLY);
    try {
      int out = open(dst, O_WRONLY);
      try {
        long remaining = length;
        while (remaining > 0) {
          long n = libc.copy_file_range(in, null, out, null, Math.min(remaining, 1L << 30), 0);
          if (n < 0) {
            int errno = Errors.lastErrno();
            if (errno == PosixException.EINTR) {
              continue;
            }
            throw new PosixException("copy_file_range", src + " -> " + dst, errno);
          }
          if (n == 0) {
            break; // source shrank underneath us; the size is fixed below
          }
          remaining -= n;
        }
        Errors.check(libc.ftruncate(out, length - Math.max(remaining, 0)), "ftruncate", dst.toString());
      } finally {
        libc.close(out);
      }
    } finally {
      libc.close(in);
    }
  }

  private int open(Path path, int flags) throws PosixException {
    String p = RawNames.printable(path);
    int fd = libc.open(RawNames.cString(path), flags | O_CLOEXEC | O_NOFOLLOW, 0);
    Errors.check(fd, "open", p);
    return fd;
  }
}
