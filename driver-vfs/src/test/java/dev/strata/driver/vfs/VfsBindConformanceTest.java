package dev.strata.driver.vfs;

import dev.strata.conformance.GraphDriverConformance;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The conformance suite against vfs with bind-mounted views (read-only for image layers); root. */
class VfsBindConformanceTest extends GraphDriverConformance {

  @Override
  protected GraphDriver openDriver(Path home) throws IOException {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "bind mounts need root");
    return new VfsDriverProvider().open(DriverConfig.of(home).withOption("vfs.bind", "true"));
  }
}
