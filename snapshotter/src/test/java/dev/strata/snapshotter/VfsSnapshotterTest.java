package dev.strata.snapshotter;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The snapshotter contract on vfs: every snapshot a full copy, mounted as a bind. */
class VfsSnapshotterTest extends SnapshotterContract {

  @TempDir Path temp;

  @Override
  GraphDriver openDriver(Path home) throws IOException {
    return new GraphDrivers().open("vfs", DriverConfig.of(home));
  }

  @Override
  Path scratch() {
    return temp;
  }
}
