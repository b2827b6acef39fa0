package dev.strata.cli;

import dev.strata.registry.FakeRegistry;
import dev.strata.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cuts the power under {@code strata} at random moments of load, pull, commit, rm, rmi, volume
 * create, create with volumes and a first mount that populates a volume: the store's root lives on
 * a loop xfs or ext4, which is shut down without flushing its log while the operation runs
 * ({@link PowerCut}), then mounted again. Unlike a SIGKILL, the cut loses the page cache, so it
 * finds a name published before the content it names was durable. After the remount the store must
 * hold, as after a kill: {@code check} (no repair) finds only what opening sweeps, after reopening
 * nothing (every layer re-hashed against its DiffID), the operation is done or not done (done if
 * it had finished before the cut), nothing prepared before is lost. The table printed at the end
 * counts cuts per place, operation and {@link Phase}.
 *
 * <p>vfs and overlay2 on both filesystems (this kernel's btrfs has no shutdown ioctl).
 * {@code -Dstrata.soak=true} makes it a thousand cuts ({@code -Dstrata.powercut.trials=N} cuts per
 * place and operation), {@code -Dstrata.crash.seed=N} replays a run's cut moments, {@code
 * -Dstrata.powercut.places=xfs/overlay2} and {@code -Dstrata.crash.operations=pull,mount} run only
 * those.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(QuietLibraryLogs.class)
class PowerCutTest {

  /**
   * Per place and operation (32 pairs): in CI 4 (128 cuts, about 70 inside the operation), the first after the operation finished
   * (it measures the operation), the others at random moments; 32 in a soak (1,024).
   */
  private static final int TRIALS = Integer.getInteger("strata.powercut.trials", Boolean.getBoolean("strata.soak") ? 32 : 4);
  private static final long SEED = Long.getLong("strata.crash.seed", System.nanoTime());
  private static final String PLACES = System.getProperty("strata.powercut.places",
      "xfs/vfs,xfs/overlay2,ext4/vfs,ext4/overlay2");
  private static final String OPERATIONS = System.getProperty("strata.crash.operations", "");
  /** Room for a few trial roots at once (the big image three times over on vfs, staging, a container's writes). */
  private static final long EXT4_SIZE = 512L << 20;

  private final CrashTable table = new CrashTable("power cuts: cuts per filesystem/driver, operation and phase");
  private ChildJvm jvm;
  /** The archives every trial loads, written once: a few MB of random content. */
  private CrashScenarios scenarios;
  private LoopFilesystem xfs;
  private LoopFilesystem ext4;
  private FakeRegistry registry;
  private Path authFile;

  @BeforeAll
  void setUp(@TempDir Path shared) throws Exception {
    xfs = LoopFilesystem.xfs(false);
    ext4 = LoopFilesystem.ext4(EXT4_SIZE);
    registry = FakeRegistry.plain();
    // Never written: pulls are anonymous, and no user's own credentials are read.
    authFile = shared.resolve("auth.json");
    scenarios = CrashScenarios.in(shared.resolve("archives"));
    jvm = ChildJvm.archived(shared, scenarios.load());
  }

  @AfterAll
  void printTableAndRelease() throws IOException {
    System.out.println(table.render(SEED));
    try (LoopFilesystem x = xfs; LoopFilesystem e = ext4; FakeRegistry r = registry) {
      // A failed trial may have left a container mounted; the filesystems cannot go before it.
      for (LoopFilesystem fs : new LoopFilesystem[] {xfs, ext4}) {
        if (fs != null) {
          TrialHomes.unmountAllUnder(fs.root());
        }
      }
    }
  }

  /** Every place with every operation, each pair its own scenario (a scenario keeps what it prepared). */
  Stream<Arguments> placesAndOperations() {
    return Stream.of(PLACES.split(",")).flatMap(place -> scenarios.cut(registry, authFile).stream()
        .filter(s -> OPERATIONS.isEmpty() || List.of(OPERATIONS.split(",")).contains(s.name()))
        .map(s -> Arguments.of(place, s)));
  }

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("placesAndOperations")
  void operation_cutAnywhere_leavesItDoneOrNotDone(String place, CrashScenario scenario, @TempDir Path tmp)
      throws Exception {
    String[] fsAndDriver = place.split("/");
    LoopFilesystem fs = fsAndDriver[0].equals("xfs") ? xfs : ext4;
    String driver = fsAndDriver[1];
    TrialRunner runner = new TrialRunner(place, driver, TrialHomes.under(fs.mirror(tmp), driver), tmp.resolve("logs"),
        jvm, new PowerCut(fs), table);
    runner.run(scenario, TRIALS, SEED);
  }
}
