package dev.strata.posix;

import java.nio.file.Path;

/**
 * Ownership, modes, special files and timestamps: the calls a layer applier makes for every entry.
 * Every method acts on the path itself and never follows a final symlink.
 */
public final class FileNodes {

  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  /** {@code UTIME_OMIT} in tv_nsec leaves that time unchanged. */
  private static final long UTIME_OMIT = (1L << 30) - 2L;

  public static final int S_IFIFO = 0010000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFBLK = 0060000;

  private final LibC libc = Native.LIBC;

  /** {@code lchown(2)}: owner of the path itself, a symlink included. */
  public void lchown(Path path, int uid, int gid) throws PosixException {
    byte[] c = RawNames.cString(path);
    Errors.check(libc.lchown(c, uid, gid), "lchown", RawNames.printable(path));
  }

  /** {@code chmod(2)} with all twelve permission bits (setuid, setgid, sticky kept). */
  public void chmod(Path path, int mode) throws PosixException {
    byte[] c = RawNames.cString(path);
    Errors.check(libc.chmod(c, mode & 07777), "chmod", RawNames.printable(path));
  }

  /** {@code mknod(2)} of a character or block device; {@code type} is {@link #S_IFCHR} or {@link #S_IFBLK}. */
  public void mknod(Path path, int type, int permissions, int major, int minor) throws PosixException {
    if (type != S_IFCHR && type != S_IFBLK && type != S_IFIFO) {
      throw new IllegalArgumentException("not a device or fifo type: " + Integer.toOctalString(type));
    }
    byte[] c = RawNames.cString(path);
    Errors.check(libc.mknod(c, type | (permissions & 07777), makedev(major, minor)), "mknod", RawNames.printable(path));
  }

  public void mkfifo(Path path, int permissions) throws PosixException {
    byte[] c = RawNames.cString(path);
    Errors.check(libc.mkfifo(c, permissions & 07777), "mkfifo", RawNames.printable(path));
  }

  /**
   * {@code utimensat(2)} with {@code AT_SYMLINK_NOFOLLOW}: nanosecond access and modification times,
   * on symlinks too. A {@code null} instant leaves that time unchanged.
   */
  public void setTimes(Path path, Timestamp atime, Timestamp mtime) throws PosixException {
    long[] ts = {
      atime == null ? 0 : atime.seconds(), atime == null ? UTIME_OMIT : atime.nanos(),
      mtime == null ? 0 : mtime.seconds(), mtime == null ? UTIME_OMIT : mtime.nanos()
    };
    byte[] c = RawNames.cString(path);
    Errors.check(libc.utimensat(AT_FDCWD, c, ts, AT_SYMLINK_NOFOLLOW), "utimensat", RawNames.printable(path));
  }

  /**
   * {@code symlink(2)}: creates {@code link} pointing at {@code target}, a raw string ({@link
   * RawNames}), exactly as given. Unlike {@code Files.createSymbolicLink} the target is not parsed
   * as a path, so a trailing slash or a doubled slash survives as a layer tar recorded it.
   */
  public void symlink(String target, Path link) throws PosixException {
    byte[] c = RawNames.cString(link);
    Errors.check(libc.symlink(RawNames.cString(target), c), "symlink", RawNames.printable(link));
  }

  /**
   * {@code truncate(2)}: sets the length of a regular file, growing it with a hole when longer.
   * Follows a final symlink: call it only on a file just created with no-follow semantics.
   */
  public void setLength(Path path, long length) throws PosixException {
    byte[] c = RawNames.cString(path);
    Errors.check(libc.truncate(c, length), "truncate", RawNames.printable(path));
  }

  /** The effective uid: the owner a file this process creates gets. */
  public int effectiveUid() {
    return libc.geteuid();
  }

  /** The effective gid: the group a file this process creates gets, unless its directory is setgid. */
  public int effectiveGid() {
    return libc.getegid();
  }

  /**
   * The process's file mode creation mask, read from {@code /proc/self/status} (Linux 4.7+) because
   * {@code umask(2)} can only read it by changing it; -1 when it cannot be read.
   */
  public int umask() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Umask:")) {
          return Integer.parseInt(line.substring(6).trim(), 8);
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // unknown: callers then set every mode explicitly
    }
    return -1;
  }

  /** True when this process runs with effective uid 0. */
  public boolean isRoot() {
    return libc.geteuid() == 0;
  }

  /** The kernel's encoding of a device number (glibc's {@code makedev}). */
  static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32)
        | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0xffL);
  }

  /** Major number of a device number as {@code stat.st_rdev} reports it. */
  public static int major(long dev) {
    return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
  }

  /** Minor number of a device number as {@code stat.st_rdev} reports it. */
  public static int minor(long dev) {
    return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
  }
}
