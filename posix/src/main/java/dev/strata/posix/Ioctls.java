package dev.strata.posix;

import java.nio.file.Path;

/**
 * {@code ioctl(2)} on a path's file descriptor with a caller-laid-out argument buffer. Drivers
 * (btrfs subvolumes, xfs project quotas) describe their structs as byte arrays; the request numbers
 * and layouts come from the kernel's uapi headers and are checked by the drivers' tests.
 */
public final class Ioctls {

  private static final int O_RDONLY = 0;
  private static final int O_DIRECTORY = 0200000;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_NOFOLLOW = 0400000;

  private final LibC libc = Native.LIBC;

  /**
   * Opens {@code path} read-only (a directory when {@code directory}), issues {@code request} with a
   * pointer to a copy of {@code arg}, copies the kernel's writes back into {@code arg} and returns
   * the call's result.
   */
  public int ioctl(Path path, boolean directory, long request, byte[] arg) throws PosixException {
    String p = RawNames.printable(path);
    int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (directory ? O_DIRECTORY : 0);
    int fd = libc.open(RawNames.cString(path), flags, 0);
    Errors.check(fd, "open", p);
    try {
      int rc = libc.ioctl(fd, request, arg);
      Errors.check(rc, "ioctl(0x" + Long.toHexString(request) + ")", p);
      return rc;
    } finally {
      libc.close(fd);
    }
  }

  /**
   * Like {@link #ioctl}, on the directory {@code target}, for requests whose struct names a second
   * file by descriptor (a btrfs snapshot's source subvolume): opens {@code source} read-only, writes
   * its descriptor as a little-endian {@code __s64} at {@code fdOffset} of {@code arg}, and closes
   * it after the call.
   */
  public int ioctlWithFd(Path target, long request, byte[] arg, Path source, int fdOffset)
      throws PosixException {
    String s = RawNames.printable(source);
    int fd = libc.open(RawNames.cString(source), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY, 0);
    Errors.check(fd, "open", s);
    try {
      long v = fd;
      for (int i = 0; i < 8; i++) {
        arg[fdOffset + i] = (byte) (v >>> (8 * i));
      }
      return ioctl(target, true, request, arg);
    } finally {
      libc.close(fd);
    }
  }
}
