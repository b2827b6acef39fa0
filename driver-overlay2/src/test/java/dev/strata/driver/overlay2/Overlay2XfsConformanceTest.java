package dev.strata.driver.overlay2;

import dev.strata.conformance.GraphDriverConformance;
import dev.strata.conformance.LoopFilesystem;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite against overlay2 on a loop-mounted xfs, with {@code prjquota} where the
 * kernel supports xfs quotas (then {@code QUOTA} is declared and {@code size=} must work), each
 * test's home mapped onto that filesystem.
 */
class Overlay2XfsConformanceTest extends GraphDriverConformance {

  private static LoopFilesystem fs;

  @BeforeAll
  static void mountXfs() throws IOException {
    fs = LoopFilesystem.xfs(true);
  }

  @AfterAll
  static void unmountXfs() throws IOException {
    if (fs != null) {
      fs.close();
    }
  }

  @Override
  protected GraphDriver openDriver(Path home) throws IOException {
    return new Overlay2DriverProvider().open(DriverConfig.of(fs.mirror(home)));
  }
}
