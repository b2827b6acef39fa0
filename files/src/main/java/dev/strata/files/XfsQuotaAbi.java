package dev.strata.files;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kernel structs and numbers of xfs project quotas, from {@code linux/fs.h} ({@code struct
 * fsxattr}, {@code FS_IOC_FS[GS]ETXATTR}) and {@code linux/dqblk_xfs.h} ({@code struct
 * fs_disk_quota}, {@code struct fs_quota_stat}, the {@code Q_X*} commands). All fields are native
 * endian; {@code XfsQuotaAbiTest} pins every offset.
 */
final class XfsQuotaAbi {

  /** {@code _IOR('X', 31, struct fsxattr)}. */
  static final long FS_IOC_FSGETXATTR = 0x801c581fL;
  /** {@code _IOW('X', 32, struct fsxattr)}. */
  static final long FS_IOC_FSSETXATTR = 0x401c5820L;
  static final int FSXATTR_SIZE = 28;
  static final int FSX_XFLAGS = 0;
  static final int FSX_PROJID = 12;
  /** New files and directories take the directory's project id. */
  static final int FS_XFLAG_PROJINHERIT = 0x200;

  static final int PRJQUOTA = 2;
  static final int Q_XGETQUOTA = ('X' << 8) + 3;
  static final int Q_XSETQLIM = ('X' << 8) + 4;
  static final int Q_XGETQSTAT = ('X' << 8) + 5;

  static final int DISK_QUOTA_SIZE = 112;
  static final int D_VERSION = 0;
  static final int D_FLAGS = 1;
  static final int D_FIELDMASK = 2;
  static final int D_ID = 4;
  static final int D_BLK_HARDLIMIT = 8;
  static final int D_BLK_SOFTLIMIT = 16;
  static final int D_INO_HARDLIMIT = 24;
  static final int D_INO_SOFTLIMIT = 32;
  static final int D_BCOUNT = 40;
  static final int D_ICOUNT = 48;
  static final byte FS_DQUOT_VERSION = 1;
  static final byte FS_PROJ_QUOTA = 2;
  static final int FS_DQ_ISOFT = 1;
  static final int FS_DQ_IHARD = 1 << 1;
  static final int FS_DQ_BSOFT = 1 << 2;
  static final int FS_DQ_BHARD = 1 << 3;
  /** Quota limits count "basic blocks" of 512 bytes, whatever the filesystem's block size. */
  static final int BASIC_BLOCK = 512;

  static final int QUOTA_STAT_SIZE = 80;
  static final int QS_FLAGS = 2;
  static final int FS_QUOTA_PDQ_ACCT = 1 << 4;
  static final int FS_QUOTA_PDQ_ENFD = 1 << 5;

  private XfsQuotaAbi() {}

  /** {@code QCMD(cmd, type)} of {@code linux/quota.h}. */
  static int qcmd(int cmd, int type) {
    return (cmd << 8) | (type & 0xff);
  }

  static ByteBuffer wrap(byte[] struct) {
    return ByteBuffer.wrap(struct).order(ByteOrder.nativeOrder());
  }

  /**
   * A {@code fs_disk_quota} for {@code Q_XSETQLIM} that sets project {@code id}'s block and inode
   * limits, hard and soft alike; 0 means no limit. {@code bytes} rounds up to whole basic blocks.
   */
  static byte[] limits(int id, long bytes, long inodes) {
    byte[] s = new byte[DISK_QUOTA_SIZE];
    ByteBuffer b = wrap(s);
    b.put(D_VERSION, FS_DQUOT_VERSION);
    b.put(D_FLAGS, FS_PROJ_QUOTA);
    b.putShort(D_FIELDMASK, (short) (FS_DQ_BSOFT | FS_DQ_BHARD | FS_DQ_ISOFT | FS_DQ_IHARD));
    b.putInt(D_ID, id);
    long blocks = (bytes + BASIC_BLOCK - 1) / BASIC_BLOCK;
    b.putLong(D_BLK_HARDLIMIT, blocks);
    b.putLong(D_BLK_SOFTLIMIT, blocks);
    b.putLong(D_INO_HARDLIMIT, inodes);
    b.putLong(D_INO_SOFTLIMIT, inodes);
    return s;
  }

  /** A {@code struct fsxattr} read by {@code FS_IOC_FSGETXATTR}, changed to put a directory in {@code id}. */
  static byte[] withProject(byte[] fsxattr, int id) {
    byte[] s = fsxattr.clone();
    ByteBuffer b = wrap(s);
    b.putInt(FSX_XFLAGS, b.getInt(FSX_XFLAGS) | FS_XFLAG_PROJINHERIT);
    b.putInt(FSX_PROJID, id);
    return s;
  }

  static int projectId(byte[] fsxattr) {
    return wrap(fsxattr).getInt(FSX_PROJID);
  }
}
