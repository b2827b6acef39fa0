package dev.strata.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * {@code statfs(2)}'s {@code f_type}: the magic number of the filesystem a path lives on, which
 * tells a driver's probe whether it can serve a home without parsing the mount table.
 */
public final class FileSystemTypes {

  public static final long BTRFS_SUPER_MAGIC = 0x9123683EL;
  public static final long EXT4_SUPER_MAGIC = 0xEF53L;
  public static final long TMPFS_MAGIC = 0x01021994L;
  public static final long XFS_SUPER_MAGIC = 0x58465342L;

  /** {@code struct statfs} is 120 bytes on 64-bit Linux; room to spare for other ABIs. */
  private static final int STATFS_SIZE = 256;

  private final LibC libc = Native.LIBC;

  /** The filesystem magic of {@code path} ({@code path} must exist). */
  public long magic(Path path) throws PosixException {
    byte[] buf = new byte[STATFS_SIZE];
    Errors.check(libc.statfs(RawNames.cString(path), buf), "statfs", RawNames.printable(path));
    // f_type is a signed long; the magics are 32-bit values.
    return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getLong(0) & 0xFFFFFFFFL;
  }
}
