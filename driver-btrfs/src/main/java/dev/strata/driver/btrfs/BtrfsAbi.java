package dev.strata.driver.btrfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Request numbers and struct layouts from the kernel's uapi {@code linux/btrfs.h}, for x86-64 and
 * every other architecture with the generic {@code _IOC} encoding (dir:2, size:14, type:8, nr:8).
 * Structs are laid out by hand in little-endian byte arrays; the tests pin every number and offset.
 */
final class BtrfsAbi {

  static final int IOCTL_MAGIC = 0x94;

  /** {@code struct btrfs_ioctl_vol_args}: {@code __s64 fd; char name[4088];}. */
  static final int VOL_ARGS_SIZE = 4096;
  static final int VOL_ARGS_NAME = 8;
  static final int VOL_NAME_MAX = 4087;

  /**
   * {@code struct btrfs_ioctl_vol_args_v2}: {@code __s64 fd; __u64 transid; __u64 flags;} a union of
   * {@code {__u64 size; qgroup_inherit *}} and {@code __u64 unused[4]}, then a union of {@code char
   * name[4040]}, {@code devid} and {@code subvolid}.
   */
  static final int VOL_ARGS_V2_SIZE = 4096;
  static final int VOL_ARGS_V2_FLAGS = 16;
  static final int VOL_ARGS_V2_NAME = 56;
  static final int SUBVOL_NAME_MAX = 4039;

  /** {@code struct btrfs_ioctl_ino_lookup_args}: {@code __u64 treeid; __u64 objectid; char name[4080];}. */
  static final int INO_LOOKUP_SIZE = 4096;

  /** {@code struct btrfs_ioctl_quota_ctl_args}: {@code __u64 cmd; __u64 status;}. */
  static final int QUOTA_CTL_SIZE = 16;

  /**
   * {@code struct btrfs_ioctl_qgroup_limit_args}: {@code __u64 qgroupid;} then {@code struct
   * btrfs_qgroup_limit {__u64 flags, max_rfer, max_excl, rsv_rfer, rsv_excl;}}.
   */
  static final int QGROUP_LIMIT_SIZE = 48;

  /** {@code struct btrfs_ioctl_fs_info_args}: {@code __u64 max_id, num_devices; __u8 fsid[16];} ... 1024 bytes. */
  static final int FS_INFO_SIZE = 1024;
  static final int FS_INFO_FSID = 16;

  /** {@code BTRFS_IOC_SYNC}: commits the running transaction, which settles qgroup accounting. */
  static final long SYNC = ioc(0, 8, 0);
  /** {@code BTRFS_IOC_QUOTA_RESCAN_WAIT}: returns once no qgroup rescan runs. */
  static final long QUOTA_RESCAN_WAIT = ioc(0, 46, 0);
  static final long SUBVOL_CREATE = iow(14, VOL_ARGS_SIZE);
  static final long SNAP_DESTROY = iow(15, VOL_ARGS_SIZE);
  static final long INO_LOOKUP = iowr(18, INO_LOOKUP_SIZE);
  static final long SNAP_CREATE_V2 = iow(23, VOL_ARGS_V2_SIZE);
  static final long SUBVOL_GETFLAGS = ior(25, 8);
  static final long SUBVOL_SETFLAGS = iow(26, 8);
  static final long FS_INFO = ior(31, FS_INFO_SIZE);
  static final long QUOTA_CTL = iowr(40, QUOTA_CTL_SIZE);
  /** The kernel declares it {@code _IOR} although the caller writes the struct. */
  static final long QGROUP_LIMIT = ior(43, QGROUP_LIMIT_SIZE);

  static final long SUBVOL_RDONLY = 1L << 1;
  static final long QUOTA_CTL_ENABLE = 1;
  static final long QGROUP_LIMIT_MAX_RFER = 1L << 0;

  /** {@code BTRFS_FIRST_FREE_OBJECTID}: the inode number of every subvolume's root directory. */
  static final long FIRST_FREE_OBJECTID = 256;

  private static final int IOC_WRITE = 1;
  private static final int IOC_READ = 2;

  private BtrfsAbi() {}

  static long ioc(int dir, int nr, int size) {
    return ((long) dir << 30) | ((long) size << 16) | ((long) IOCTL_MAGIC << 8) | nr;
  }

  private static long iow(int nr, int size) {
    return ioc(IOC_WRITE, nr, size);
  }

  private static long ior(int nr, int size) {
    return ioc(IOC_READ, nr, size);
  }

  private static long iowr(int nr, int size) {
    return ioc(IOC_READ | IOC_WRITE, nr, size);
  }

  /** A zeroed little-endian struct of {@code size} bytes. */
  static ByteBuffer struct(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A NUL-terminated name at {@code offset}; {@code max} bytes at most before the NUL. */
  static void putName(ByteBuffer struct, int offset, String name, int max) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length > max || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not a subvolume name: '" + name + "'");
    }
    struct.put(offset, bytes);
  }
}
