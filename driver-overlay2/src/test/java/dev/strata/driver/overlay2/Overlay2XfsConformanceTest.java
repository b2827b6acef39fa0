package dev.strata.driver.overlay2;

import dev.strata.conformance.DriverHarness;
import dev.strata.conformance.GraphDriverConformance;
import dev.strata.testing.LoopFilesystem;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance suite against overlay2 on a loop-mounted xfs, with {@code prjquota} where the
 * kernel supports xfs quotas (then {@code QUOTA} is declared and {@code size=} must work), each
 * test's home a fresh directory on that filesystem.
 */
class Overlay2XfsConformanceTest implements GraphDriverConformance {

  @RegisterExtension
  final DriverHarness harness = DriverHarness.of(config -> new Overlay2DriverProvider().open(config))
      .onLoopFilesystem(() -> LoopFilesystem.xfs(true));

  @Override
  public DriverHarness harness() {
    return harness;
  }
}
