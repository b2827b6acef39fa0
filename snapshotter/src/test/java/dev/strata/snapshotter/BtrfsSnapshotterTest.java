package dev.strata.snapshotter;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SharedLoopFilesystem;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The snapshotter contract on btrfs: snapshots are subvolume snapshots, on one loop btrfs. */
class BtrfsSnapshotterTest extends SnapshotterContract {

  @RegisterExtension final SharedLoopFilesystem btrfs = SharedLoopFilesystem.of(LoopFilesystem::btrfs);

  @TempDir Path temp;

  @Override
  GraphDriver openDriver(Path home) throws IOException {
    return new GraphDrivers().open("btrfs", DriverConfig.of(home));
  }

  @Override
  Path scratch() throws IOException {
    return btrfs.get().mirror(temp);
  }
}
