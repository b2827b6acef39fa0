package dev.strata.driver.overlay2;

import dev.strata.conformance.DriverHarness;
import dev.strata.conformance.GraphDriverConformance;
import dev.strata.posix.FileNodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite against overlay2 with its defaults; overlay mounts need root. */
class Overlay2ConformanceTest implements GraphDriverConformance {

  @RegisterExtension
  final DriverHarness harness = DriverHarness.of(config -> {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "overlay mounts need root");
    return new Overlay2DriverProvider().open(config);
  });

  @Override
  public DriverHarness harness() {
    return harness;
  }
}
