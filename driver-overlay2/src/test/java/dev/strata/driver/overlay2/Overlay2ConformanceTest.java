package dev.strata.driver.overlay2;

import dev.strata.conformance.GraphDriverConformance;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The conformance suite against overlay2 with its defaults; overlay mounts need root. */
class Overlay2ConformanceTest extends GraphDriverConformance {

  @Override
  protected GraphDriver openDriver(Path home) throws IOException {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "overlay mounts need root");
    return new Overlay2DriverProvider().open(DriverConfig.of(home));
  }
}
