package dev.strata.driver.btrfs;

import dev.strata.conformance.DriverHarness;
import dev.strata.conformance.GraphDriverConformance;
import dev.strata.testing.LoopFilesystem;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite against btrfs, each test's home a fresh directory on one loop-mounted btrfs. */
class BtrfsConformanceTest implements GraphDriverConformance {

  @RegisterExtension
  final DriverHarness harness = DriverHarness.of(config -> new BtrfsDriverProvider().open(config))
      .onLoopFilesystem(LoopFilesystem::btrfs);

  @Override
  public DriverHarness harness() {
    return harness;
  }
}
