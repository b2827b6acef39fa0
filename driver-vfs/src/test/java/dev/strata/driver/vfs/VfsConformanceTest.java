package dev.strata.driver.vfs;

import dev.strata.conformance.DriverHarness;
import dev.strata.conformance.GraphDriverConformance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite against vfs with plain-directory views. */
class VfsConformanceTest implements GraphDriverConformance {

  @RegisterExtension
  final DriverHarness harness = DriverHarness.of(config -> new VfsDriverProvider().open(config));

  @Override
  public DriverHarness harness() {
    return harness;
  }
}
