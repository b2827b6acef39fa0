package dev.strata.posix;

import java.nio.file.Path;

/**
 * {@code FS_IOC_SHUTDOWN} (xfs's {@code XFS_IOC_GOINGDOWN}, ext4's {@code EXT4_IOC_SHUTDOWN}: one
 * request number) with {@code NOLOGFLUSH}: the filesystem stops at once and everything not yet in
 * its on-disk log is lost, as on a power cut; every later call on it fails with {@code EIO} until it
 * is unmounted, and the next mount replays the log. This is how xfstests cuts power without a
 * machine, and how the power-cut tests check that what Strata publishes was durable first.
 */
public final class FilesystemShutdown {

  /** {@code _IOR('X', 125, __u32)}. */
  static final long FS_IOC_SHUTDOWN = 0x8004587DL;
  /** Neither the dirty pages nor the in-memory log reach the disk. */
  static final int NOLOGFLUSH = 2;

  private final Ioctls ioctls = new Ioctls();

  /**
   * Shuts down the filesystem mounted at {@code mountPoint} without flushing its log.
   *
   * @throws PosixException {@code ENOTTY} where the filesystem has no shutdown, {@code EPERM}
   *     without {@code CAP_SYS_ADMIN}
   */
  public void shutDownWithoutLogFlush(Path mountPoint) throws PosixException {
    int flags = NOLOGFLUSH;
    // The kernel reads a __u32 through the pointer: little-endian on the platforms Strata runs on.
    byte[] arg = {(byte) flags, (byte) (flags >>> 8), (byte) (flags >>> 16), (byte) (flags >>> 24)};
    ioctls.ioctl(mountPoint, true, FS_IOC_SHUTDOWN, arg);
  }
}
