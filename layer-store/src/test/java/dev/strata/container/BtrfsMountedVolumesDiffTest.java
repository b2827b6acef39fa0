package dev.strata.container;

import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SharedLoopFilesystem;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Volumes mounted inside a btrfs subvolume, bound in from the same btrfs. */
class BtrfsMountedVolumesDiffTest extends MountedVolumesDiffContract {

  @RegisterExtension final SharedLoopFilesystem btrfs = SharedLoopFilesystem.of(LoopFilesystem::btrfs);

  @TempDir Path tmp;

  @Override
  Path base() throws IOException {
    return btrfs.get().mirror(tmp);
  }

  @Override
  String driver() {
    return "btrfs";
  }
}
