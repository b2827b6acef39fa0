package dev.strata.interop;

import dev.strata.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a test's Strata root lives for each driver: vfs and overlay2 in the test's own directory,
 * btrfs on the class's loop-mounted btrfs (created on first use, closed with the class).
 */
final class StrataRoots implements AutoCloseable {

  private LoopFilesystem btrfs;

  Path rootFor(String driver, Path testDir) throws IOException {
    if (!driver.equals("btrfs")) {
      return testDir.resolve("strata");
    }
    if (btrfs == null) {
      btrfs = LoopFilesystem.btrfs();
    }
    return Files.createTempDirectory(btrfs.root(), "strata-");
  }

  @Override
  public void close() throws IOException {
    if (btrfs != null) {
      btrfs.close();
      btrfs = null;
    }
  }
}
