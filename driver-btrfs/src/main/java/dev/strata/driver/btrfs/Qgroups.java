package dev.strata.driver.btrfs;

import dev.strata.driver.posix.Ioctls;
import dev.strata.driver.posix.PosixException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Quota groups: each subvolume has a level-0 qgroup {@code 0/<subvolid>}; a limit on its referenced
 * bytes ({@code max_rfer}) makes writes past it fail with {@code EDQUOT}. Referenced bytes include
 * extents shared with the parent snapshot, so, as in moby, the limit covers image plus container.
 */
final class Qgroups {

  private final Ioctls ioctls;
  private final Subvolumes subvolumes;

  Qgroups(Ioctls ioctls, Subvolumes subvolumes) {
    this.ioctls = ioctls;
    this.subvolumes = subvolumes;
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
}
