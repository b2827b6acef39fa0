package dev.strata.posix;

import java.nio.file.Path;

/**
 * The new mount API ({@code fsopen}, {@code fsconfig}, {@code fsmount}, {@code move_mount}, Linux
 * 5.2+), called through {@code syscall(2)} because glibc before 2.36 has no wrappers. Unlike {@code
 * mount(2)}, whose option string the kernel cuts at one page, every option is a separate call, so
 * overlay can take one {@code lowerdir+} per layer up to its own limit of 500.
 *
 * <p>Syscall numbers 424 and up are the same on every architecture, so these hold beyond x86_64.
 */
public final class FsMountCalls {

  private static final long SYS_OPEN_TREE = 428;
  private static final long SYS_MOVE_MOUNT = 429;
  private static final long SYS_FSOPEN = 430;
  private static final long SYS_FSCONFIG = 431;
  private static final long SYS_FSMOUNT = 432;
  private static final long SYS_MOUNT_SETATTR = 442;
  private static final long AT_SYMLINK_NOFOLLOW = 0x100;
  private static final long AT_RECURSIVE = 0x8000;
  private static final long AT_EMPTY_PATH = 0x1000;
  private static final long OPEN_TREE_CLONE = 0x1;
  private static final long OPEN_TREE_CLOEXEC = 02000000;

  private static final long FSOPEN_CLOEXEC = 0x1;
  private static final long FSCONFIG_SET_FLAG = 0;
  private static final long FSCONFIG_SET_STRING = 1;
  private static final long FSCONFIG_CMD_CREATE = 6;
  private static final long FSMOUNT_CLOEXEC = 0x1;
  private static final long MOVE_MOUNT_F_EMPTY_PATH = 0x4;
  private static final long AT_FDCWD = -100;

  public static final long MOUNT_ATTR_RDONLY = 0x1;
  public static final long MOUNT_ATTR_NOSUID = 0x2;
  public static final long MOUNT_ATTR_NODEV = 0x4;
  public static final long MOUNT_ATTR_NOEXEC = 0x8;
  public static final long MOUNT_ATTR_NOATIME = 0x10;
  public static final long MOUNT_ATTR_NODIRATIME = 0x80;

  private final LibC libc = Native.LIBC;

  /** A filesystem context for {@code fstype}; close it with {@link #close}. */
  public int fsopen(String fstype) throws PosixException {
    return (int) Errors.check(libc.syscall(SYS_FSOPEN, fstype, FSOPEN_CLOEXEC), "fsopen", fstype);
  }

  public void setString(int fsFd, String key, String value) throws PosixException {
    Errors.check(libc.syscall(SYS_FSCONFIG, fsFd, FSCONFIG_SET_STRING, key, value, 0),
        "fsconfig", key + "=" + value);
  }

  public void setFlag(int fsFd, String key) throws PosixException {
    Errors.check(libc.syscall(SYS_FSCONFIG, fsFd, FSCONFIG_SET_FLAG, key, null, 0), "fsconfig", key);
  }

  /** Creates the superblock from the options set so far. */
  public void create(int fsFd, String subject) throws PosixException {
    Errors.check(libc.syscall(SYS_FSCONFIG, fsFd, FSCONFIG_CMD_CREATE, null, null, 0),
        "fsconfig(FSCONFIG_CMD_CREATE)", subject);
  }

  /** A detached mount of the created filesystem, with {@code MOUNT_ATTR_*} attributes. */
  public int fsmount(int fsFd, long attributes, String subject) throws PosixException {
    return (int) Errors.check(libc.syscall(SYS_FSMOUNT, fsFd, FSMOUNT_CLOEXEC, attributes),
        "fsmount", subject);
  }

  /** Attaches a detached mount at {@code target}. */
  public void moveMount(int mountFd, Path target) throws PosixException {
    Errors.check(libc.syscall(SYS_MOVE_MOUNT, mountFd, "", AT_FDCWD, target.toString(),
        MOVE_MOUNT_F_EMPTY_PATH), "move_mount", target.toString());
  }

  /**
   * {@code mount_setattr(2)} (Linux 5.12+) with {@code AT_RECURSIVE}: sets {@code MOUNT_ATTR_*}
   * attributes on the mount at {@code target} and every mount below it, which a remount cannot do
   * (it changes one mount): how a read-only bind becomes read-only all the way down.
   */
  public void setAttributesRecursively(Path target, long set, long clear) throws PosixException {
    java.nio.ByteBuffer attr = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.nativeOrder());
    attr.putLong(0, set).putLong(8, clear); // attr_set, attr_clr; propagation and userns_fd 0
    Errors.check(libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, target.toString(), AT_RECURSIVE | AT_SYMLINK_NOFOLLOW,
        attr.array(), 32), "mount_setattr", target.toString());
  }

  /**
   * {@code open_tree(2)} with {@code OPEN_TREE_CLONE} and without {@code AT_RECURSIVE}: a detached
   * bind of {@code dir} that brings none of the mounts below it along, so the files those mounts
   * cover show through. The mount lives as long as the returned descriptor (close it with {@link
   * #close}), and a crashed process leaves nothing mounted. Needs {@code CAP_SYS_ADMIN} (EPERM
   * without it).
   */
  public int cloneWithoutSubmounts(Path dir) throws PosixException {
    // Opened by its bytes and named by the descriptor: the path never goes through a charset.
    try (DirectoryFd opened = DirectoryFd.open(dir)) {
      return (int) Errors.check(libc.syscall(SYS_OPEN_TREE, opened.fd(), "",
          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH, (byte[]) null, 0), "open_tree", RawNames.printable(dir));
    }
  }

  public void close(int fd) throws PosixException {
    Errors.check(libc.close(fd), "close", "fd " + fd);
  }
}
