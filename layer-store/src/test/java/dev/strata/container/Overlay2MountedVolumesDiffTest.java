package dev.strata.container;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Parity: on overlay2 the volumes are mounted inside the merged view, not in the upper directory. */
class Overlay2MountedVolumesDiffTest extends MountedVolumesDiffContract {

  @TempDir Path tmp;

  @Override
  Path base() {
    return tmp;
  }

  @Override
  String driver() {
    return "overlay2";
  }
}
