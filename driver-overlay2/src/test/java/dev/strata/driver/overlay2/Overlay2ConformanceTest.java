package dev.strata.driver.overlay2;

import dev.strata.conformance.DriverHarness;
import dev.strata.conformance.GraphDriverConformance;
import dev.strata.driver.DriverConfig;
import dev.strata.posix.FileNodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite against overlay2 with its defaults; overlay mounts need root. */
class Overlay2ConformanceTest implements GraphDriverConformance {

  @RegisterExtension
  final DriverHarness harness = DriverHarness.of(home -> {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "overlay mounts need root");
    return new Overlay2DriverProvider().open(DriverConfig.of(home));
  });

  @Override
  public DriverHarness harness() {
    return harness;
  }
}
