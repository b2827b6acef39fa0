package dev.strata.driver.vfs;

import dev.strata.conformance.DriverHarness;
import dev.strata.conformance.GraphDriverConformance;
import dev.strata.posix.FileNodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite against vfs with bind-mounted views (read-only for image layers); root. */
class VfsBindConformanceTest implements GraphDriverConformance {

  @RegisterExtension
  final DriverHarness harness = DriverHarness.of(config -> {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "bind mounts need root");
    return new VfsDriverProvider().open(config.withOption("vfs.bind", "true"));
  });

  @Override
  public DriverHarness harness() {
    return harness;
  }
}
