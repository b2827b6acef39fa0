package dev.strata.posix;

import java.nio.file.Path;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Space a file really takes, {@code st_blocks * 512}, which {@link java.nio.file.Files} does not
 * expose: tells a sparse file from a dense one, and lets usage be reported as {@code du} does.
 */
public final class FileBlocks {

  private final POSIX posix = POSIXFactory.getNativePOSIX();

  /** Bytes allocated to {@code path} itself (a symlink's own blocks, never its target's). */
  public long allocatedBytes(Path path) throws PosixException {
    FileStat stat = posix.allocateStat();
    if (posix.lstat(path.toString(), stat) < 0) {
      throw new PosixException("lstat", path.toString(), posix.errno());
    }
    return stat.blocks() * 512L;
  }
}
