package dev.strata.driver.btrfs;

import dev.strata.posix.Ioctls;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Quota groups: each subvolume has a level-0 qgroup {@code 0/<subvolid>}; a limit on its referenced
 * bytes ({@code max_rfer}) makes writes past it fail with {@code EDQUOT}. Referenced bytes include
 * extents shared with the parent snapshot, so, as in moby, the limit covers image plus container.
 * The kernel drops a subvolume's qgroup itself once the destroyed subvolume is cleaned up.
 *
 * <p>Usage comes from sysfs ({@code /sys/fs/btrfs/<fsid>/qgroups/0_<id>/exclusive}, kernel 5.9+),
 * read after any rescan (quotas just enabled) and a transaction commit, because accounting settles
 * only then.
 */
final class Qgroups {

  private final Ioctls ioctls;
  private final Subvolumes subvolumes;
  private final Path sysfs;

  /** @param sysfs {@code /sys/fs/btrfs} */
  Qgroups(Ioctls ioctls, Subvolumes subvolumes, Path sysfs) {
    this.ioctls = ioctls;
    this.subvolumes = subvolumes;
    this.sysfs = sysfs;
  }

  /** {@code BTRFS_IOC_QUOTA_CTL} enable; a no-op when quotas are already on. */
  void enable(Path anywhere) throws PosixException {
    ByteBuffer args = BtrfsAbi.struct(BtrfsAbi.QUOTA_CTL_SIZE);
    args.putLong(0, BtrfsAbi.QUOTA_CTL_ENABLE);
    ioctls.ioctl(anywhere, true, BtrfsAbi.QUOTA_CTL, args.array());
  }

  /** {@code BTRFS_IOC_QGROUP_LIMIT}: caps the referenced bytes of the subvolume at {@code path}. */
  void limit(Path path, long maxReferenced) throws PosixException {
    ByteBuffer args = BtrfsAbi.struct(BtrfsAbi.QGROUP_LIMIT_SIZE);
    args.putLong(0, subvolumes.id(path));
    args.putLong(8, BtrfsAbi.QGROUP_LIMIT_MAX_RFER);
    args.putLong(16, maxReferenced);
    ioctls.ioctl(path, true, BtrfsAbi.QGROUP_LIMIT, args.array());
  }

  /**
   * Bytes only the subvolume at {@code path} references (its own writes, not what it shares with
   * its parent), or empty when quotas are off or their numbers are inconsistent (a rescan runs).
   */
  OptionalLong exclusiveBytes(Path path) throws IOException {
    ByteBuffer info = BtrfsAbi.struct(BtrfsAbi.FS_INFO_SIZE);
    ioctls.ioctl(path, true, BtrfsAbi.FS_INFO, info.array());
    ByteBuffer fsid = ByteBuffer.wrap(info.array(), BtrfsAbi.FS_INFO_FSID, 16).order(ByteOrder.BIG_ENDIAN);
    Path qgroups = sysfs.resolve(new UUID(fsid.getLong(), fsid.getLong()).toString()).resolve("qgroups");
    Path inconsistent = qgroups.resolve("inconsistent");
    if (!Files.isRegularFile(inconsistent) || !Files.readString(inconsistent).trim().equals("0")) {
      return OptionalLong.empty();
    }
    ioctls.ioctl(path, true, BtrfsAbi.QUOTA_RESCAN_WAIT, new byte[0]);
    ioctls.ioctl(path, true, BtrfsAbi.SYNC, new byte[0]);
    Path exclusive = qgroups.resolve("0_" + subvolumes.id(path)).resolve("exclusive");
    if (!Files.isRegularFile(exclusive)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(Files.readString(exclusive).trim()));
  }
}
