package dev.strata.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The numbers and layouts of {@link XfsQuotaAbi} against the kernel's uapi headers ({@code
 * linux/fs.h}, {@code linux/dqblk_xfs.h}, {@code linux/quota.h}), recomputed from their macros.
 */
class XfsQuotaAbiTest {

  /** {@code _IOC(dir, type, nr, size)} of {@code asm-generic/ioctl.h}: read 2, write 1. */
  private static long ioc(int dir, char type, int nr, int size) {
    return ((long) dir << 30) | ((long) size << 16) | ((long) type << 8) | nr;
  }

  @Test
  void fsxattrRequests_matchIorIowOfA28ByteStruct() {
    // struct fsxattr: five __u32 (xflags, extsize, nextents, projid, cowextsize) and pad[8].
    assertEquals(5 * 4 + 8, XfsQuotaAbi.FSXATTR_SIZE);
    assertEquals(ioc(2, 'X', 31, 28), XfsQuotaAbi.FS_IOC_FSGETXATTR);
    assertEquals(ioc(1, 'X', 32, 28), XfsQuotaAbi.FS_IOC_FSSETXATTR);
    assertEquals(0x801c581fL, XfsQuotaAbi.FS_IOC_FSGETXATTR);
    assertEquals(0x401c5820L, XfsQuotaAbi.FS_IOC_FSSETXATTR);
    assertEquals(3 * 4, XfsQuotaAbi.FSX_PROJID);
  }

  @Test
  void quotactlCommands_matchQcmdOfXqmCmd() {
    assertEquals(0x580302, XfsQuotaAbi.qcmd(XfsQuotaAbi.Q_XGETQUOTA, XfsQuotaAbi.PRJQUOTA));
    assertEquals(0x580402, XfsQuotaAbi.qcmd(XfsQuotaAbi.Q_XSETQLIM, XfsQuotaAbi.PRJQUOTA));
    assertEquals(0x580502, XfsQuotaAbi.qcmd(XfsQuotaAbi.Q_XGETQSTAT, XfsQuotaAbi.PRJQUOTA));
  }

  @Test
  void diskQuotaLayout_offsetsOfDqblkXfsH() {
    // __s8 d_version, __s8 d_flags, __u16 d_fieldmask, __u32 d_id, then __u64 limits and counts.
    assertEquals(0, XfsQuotaAbi.D_VERSION);
    assertEquals(1, XfsQuotaAbi.D_FLAGS);
    assertEquals(2, XfsQuotaAbi.D_FIELDMASK);
    assertEquals(4, XfsQuotaAbi.D_ID);
    assertEquals(8, XfsQuotaAbi.D_BLK_HARDLIMIT);
    assertEquals(16, XfsQuotaAbi.D_BLK_SOFTLIMIT);
    assertEquals(24, XfsQuotaAbi.D_INO_HARDLIMIT);
    assertEquals(32, XfsQuotaAbi.D_INO_SOFTLIMIT);
    assertEquals(40, XfsQuotaAbi.D_BCOUNT);
    assertEquals(48, XfsQuotaAbi.D_ICOUNT);
    assertEquals(112, XfsQuotaAbi.DISK_QUOTA_SIZE);
    assertEquals(80, XfsQuotaAbi.QUOTA_STAT_SIZE);
    assertEquals(2, XfsQuotaAbi.QS_FLAGS);
  }

  @Test
  void limits_50MiBAnd1000Inodes_encodedInBasicBlocksWithAllFourFields() {
    ByteBuffer b = XfsQuotaAbi.wrap(XfsQuotaAbi.limits(100_001, 50L << 20, 1000));

    assertEquals(1, b.get(0));
    assertEquals(2, b.get(1));
    assertEquals(0b1111, b.getShort(2));
    assertEquals(100_001, b.getInt(4));
    assertEquals(102_400, b.getLong(8));
    assertEquals(102_400, b.getLong(16));
    assertEquals(1000, b.getLong(24));
    assertEquals(1000, b.getLong(32));
  }

  @Test
  void limits_partialBlock_roundsUp() {
    assertEquals(2, XfsQuotaAbi.wrap(XfsQuotaAbi.limits(1, 513, 0)).getLong(8));
  }

  @Test
  void withProject_keepsOtherFlagsAndSetsProjinheritAndId() {
    byte[] read = new byte[28];
    XfsQuotaAbi.wrap(read).putInt(0, 0x8).putInt(4, 4096);

    byte[] set = XfsQuotaAbi.withProject(read, 100_005);

    ByteBuffer b = XfsQuotaAbi.wrap(set);
    assertEquals(0x208, b.getInt(0));
    assertEquals(4096, b.getInt(4));
    assertEquals(100_005, XfsQuotaAbi.projectId(set));
    assertArrayEquals(new byte[28], withoutFields(set));
  }

  private static byte[] withoutFields(byte[] fsxattr) {
    byte[] copy = fsxattr.clone();
    XfsQuotaAbi.wrap(copy).putInt(0, 0).putInt(4, 0).putInt(12, 0);
    return copy;
  }
}
