package dev.strata.driver.btrfs;

import dev.strata.conformance.GraphDriverConformance;
import dev.strata.conformance.LoopFilesystem;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite against btrfs, each test's home mapped onto one loop-mounted filesystem. */
class BtrfsConformanceTest extends GraphDriverConformance {

  private static LoopFilesystem fs;

  @BeforeAll
  static void mountBtrfs() throws IOException {
    fs = LoopFilesystem.btrfs();
  }

  @AfterAll
  static void unmountBtrfs() throws IOException {
    if (fs != null) {
      fs.close();
    }
  }

  @Override
  protected GraphDriver openDriver(Path home) throws IOException {
    return new BtrfsDriverProvider().open(DriverConfig.of(fs.mirror(home)));
  }
}
