package dev.strata.driver.btrfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Request numbers and layouts against the values the kernel's {@code linux/btrfs.h} yields on x86-64. */
class BtrfsAbiTest {

  @Test
  void requestNumbers_computedFromIocMacros_equalKernelConstants() {
    assertEquals(0x5000940eL, BtrfsAbi.SUBVOL_CREATE);
    assertEquals(0x5000940fL, BtrfsAbi.SNAP_DESTROY);
    assertEquals(0xd0009412L, BtrfsAbi.INO_LOOKUP);
    assertEquals(0x50009417L, BtrfsAbi.SNAP_CREATE_V2);
    assertEquals(0x80089419L, BtrfsAbi.SUBVOL_GETFLAGS);
    assertEquals(0x4008941aL, BtrfsAbi.SUBVOL_SETFLAGS);
    assertEquals(0xc0109428L, BtrfsAbi.QUOTA_CTL);
    assertEquals(0x8030942bL, BtrfsAbi.QGROUP_LIMIT);
    assertEquals(0x8400941fL, BtrfsAbi.FS_INFO);
    assertEquals(0x9408L, BtrfsAbi.SYNC);
    assertEquals(0x942eL, BtrfsAbi.QUOTA_RESCAN_WAIT);
  }

  @Test
  void structLayouts_sizesAndOffsets_matchUapiHeader() {
    assertEquals(4096, BtrfsAbi.VOL_ARGS_SIZE);
    assertEquals(8, BtrfsAbi.VOL_ARGS_NAME);
    assertEquals(4087, BtrfsAbi.VOL_NAME_MAX);
    assertEquals(4096, BtrfsAbi.VOL_ARGS_V2_SIZE);
    assertEquals(16, BtrfsAbi.VOL_ARGS_V2_FLAGS);
    assertEquals(8 + 8 + 8 + 4 * 8, BtrfsAbi.VOL_ARGS_V2_NAME);
    assertEquals(4039, BtrfsAbi.SUBVOL_NAME_MAX);
    assertEquals(BtrfsAbi.VOL_ARGS_V2_SIZE, BtrfsAbi.VOL_ARGS_V2_NAME + BtrfsAbi.SUBVOL_NAME_MAX + 1);
    assertEquals(8 + 8 + 4080, BtrfsAbi.INO_LOOKUP_SIZE);
    assertEquals(8 + 5 * 8, BtrfsAbi.QGROUP_LIMIT_SIZE);
    assertEquals(2, BtrfsAbi.SUBVOL_RDONLY);
  }

  @Test
  void putName_plainName_writesBytesAtOffsetFollowedByNul() {
    ByteBuffer args = BtrfsAbi.struct(BtrfsAbi.VOL_ARGS_V2_SIZE);

    BtrfsAbi.putName(args, BtrfsAbi.VOL_ARGS_V2_NAME, "layer-1", BtrfsAbi.SUBVOL_NAME_MAX);

    byte[] name = Arrays.copyOfRange(args.array(), 56, 64);
    assertArrayEquals("layer-1\0".getBytes(StandardCharsets.UTF_8), name);
  }

  @Test
  void putName_slashEmptyOrTooLong_throwsIllegalArgument() {
    ByteBuffer args = BtrfsAbi.struct(BtrfsAbi.VOL_ARGS_SIZE);

    assertThrows(IllegalArgumentException.class, () -> BtrfsAbi.putName(args, 8, "a/b", 4087));
    assertThrows(IllegalArgumentException.class, () -> BtrfsAbi.putName(args, 8, "", 4087));
    assertThrows(IllegalArgumentException.class, () -> BtrfsAbi.putName(args, 8, "x".repeat(4088), 4087));
  }
}
