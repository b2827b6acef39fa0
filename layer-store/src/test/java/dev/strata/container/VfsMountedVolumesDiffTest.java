package dev.strata.container;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Volumes mounted inside a vfs layer directory, bound in from the same filesystem. */
class VfsMountedVolumesDiffTest extends MountedVolumesDiffContract {

  @TempDir Path tmp;

  @Override
  Path base() {
    return tmp;
  }

  @Override
  String driver() {
    return "vfs";
  }
}
