package dev.strata.posix;

import java.nio.file.Path;

/**
 * An open directory, the anchor of the {@code *at} calls: entries are named relative to it, so no
 * lookup starts from {@code /} and no renamed or symlinked ancestor can redirect a call. Opened
 * with {@code O_DIRECTORY | O_NOFOLLOW}: a symlink is refused, never followed (Linux answers
 * {@code ENOTDIR}, as for a file, since {@code O_DIRECTORY} is checked first); mount points are
 * crossed. Closing is idempotent; use after close is an {@link IllegalStateException}.
 */
public final class DirectoryFd implements AutoCloseable {

  private static final int O_RDONLY = 0;
  private static final int O_NOFOLLOW = 0400000;
  private static final int O_DIRECTORY = 0200000;
  private static final int O_CLOEXEC = 02000000;
  static final int FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  private static final int O_WRONLY = 01;
  private static final int O_CREAT = 0100;
  private static final int O_EXCL = 0200;
  private static final int O_CREATE_NEW = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;

  private final LibC libc = Native.LIBC;
  private final Path path;
  private int fd;

  DirectoryFd(Path path, int fd) {
    this.path = path;
    this.fd = fd;
  }

  /**
   * Opens {@code dir} itself; its last component must not be a symlink.
   *
   * @throws PosixException ENOENT when it is missing, ENOTDIR when it is not a directory or is a
   *     symlink
   */
  public static DirectoryFd open(Path dir) throws PosixException {
    int fd = Native.LIBC.open(RawNames.cString(dir), FLAGS, 0);
    Errors.check(fd, "open", RawNames.printable(dir));
    return new DirectoryFd(dir, fd);
  }

  /**
   * Opens {@code dir} following a symlink in its last component: for the root of a tree that is
   * reached through a magic link ({@code /proc/self/fd/N} of a detached mount).
   *
   * @throws PosixException ENOENT when it is missing, ENOTDIR when it is not a directory
   */
  public static DirectoryFd openFollowing(Path dir) throws PosixException {
    int fd = Native.LIBC.open(RawNames.cString(dir), FLAGS & ~O_NOFOLLOW, 0);
    Errors.check(fd, "open", RawNames.printable(dir));
    return new DirectoryFd(dir, fd);
  }

  /**
   * Opens the subdirectory {@code name} (a raw string: {@link RawNames}) relative to this one
   * ({@code openat}).
   *
   * @throws PosixException ENOENT when it is gone, ENOTDIR when it is not a directory or is a
   *     symlink (to a directory or not)
   */
  public DirectoryFd openDirectory(String name) throws PosixException {
    Path child = RawNames.resolve(path, name);
    int fd = libc.openat(fd(), RawNames.cString(name), FLAGS, 0);
    Errors.check(fd, "openat", RawNames.printable(child));
    return new DirectoryFd(child, fd);
  }

  /**
   * Creates the regular file {@code name} (a raw string) in this directory, open for writing: {@code O_CREAT |
   * O_EXCL | O_NOFOLLOW}, so an existing name (a symlink included) is never opened or followed.
   *
   * @throws PosixException EEXIST when the name is taken
   */
  public OpenFile createFile(String name, int mode) throws PosixException {
    Path child = RawNames.resolve(path, name);
    int file = libc.openat(fd(), RawNames.cString(name), O_CREATE_NEW, mode & 07777);
    Errors.check(file, "openat", RawNames.printable(child));
    return new OpenFile(child, file);
  }

  /** The path this directory was opened by; for messages, and for the path-based fallback. */
  public Path path() {
    return path;
  }

  int fd() {
    if (fd < 0) {
      throw new IllegalStateException("directory " + path + " is closed");
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
