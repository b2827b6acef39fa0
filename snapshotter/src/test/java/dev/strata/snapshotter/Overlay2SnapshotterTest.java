package dev.strata.snapshotter;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The snapshotter contract on overlay2: snapshots stacked as overlay lowers, on the ext4 or xfs under /tmp. */
class Overlay2SnapshotterTest extends SnapshotterContract {

  @TempDir Path temp;

  @Override
  GraphDriver openDriver(Path home) throws IOException {
    return new GraphDrivers().open("overlay2", DriverConfig.of(home));
  }

  @Override
  Path scratch() {
    return temp;
  }
}
