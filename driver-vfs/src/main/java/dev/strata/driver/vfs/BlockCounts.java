package dev.strata.driver.vfs;

import dev.strata.driver.posix.PosixException;
import java.nio.file.Path;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * {@code st_blocks} of a path, which {@link java.nio.file.Files} does not expose: needed to tell a
 * sparse file from a dense one and to report allocated bytes as {@code du} does.
 */
final class BlockCounts {

  private final POSIX posix = POSIXFactory.getNativePOSIX();

  /** Bytes allocated to {@code path} itself (a symlink's own blocks, not its target's). */
  long allocatedBytes(Path path) throws PosixException {
    FileStat stat = posix.allocateStat();
    if (posix.lstat(path.toString(), stat) < 0) {
      throw new PosixException("lstat", path.toString(), posix.errno());
    }
    return stat.blocks() * 512L;
  }
}
