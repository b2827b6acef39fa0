package dev.strata.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Space a file really takes, {@code st_blocks * 512}, which {@link java.nio.file.Files} does not
 * expose: tells a sparse file from a dense one, and lets usage be reported as {@code du} does.
 */
public final class FileBlocks {

  /** x86_64 {@code struct stat}: 144 bytes, {@code st_blocks} at 64. */
  private static final int STAT_SIZE = 144;
  private static final int ST_BLOCKS_OFFSET = 64;

  private final LibC libc = Native.LIBC;

  /** Bytes allocated to {@code path} itself (a symlink's own blocks, never its target's). */
  public long allocatedBytes(Path path) throws PosixException {
    byte[] stat = new byte[STAT_SIZE];
    Errors.check(libc.lstat(RawNames.cString(path), stat), "lstat", RawNames.printable(path));
    return ByteBuffer.wrap(stat).order(ByteOrder.nativeOrder()).getLong(ST_BLOCKS_OFFSET) * 512L;
  }
}
