package dev.strata.driver.vfs;

import dev.strata.conformance.GraphDriverConformance;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import java.io.IOException;
import java.nio.file.Path;

/** The conformance suite against vfs with plain-directory views. */
class VfsConformanceTest extends GraphDriverConformance {

  @Override
  protected GraphDriver openDriver(Path home) throws IOException {
    return new VfsDriverProvider().open(DriverConfig.of(home));
  }
}
