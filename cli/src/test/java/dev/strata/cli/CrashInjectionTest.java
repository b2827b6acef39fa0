package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.files.MountTable;
import dev.strata.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills {@code strata} with SIGKILL at random moments of load, commit, rm, rmi, volume create,
 * volume rm and create with volumes, on vfs, overlay2 and btrfs (on a loop btrfs), then reopens the
 * root: the operation is either done or not done (done if it had finished), nothing committed
 * before is lost, {@code check} reports the store clean and nothing stays mounted. Every kill is
 * timed from the moment the child said the operation began, and the table printed at the end
 * counts kills per driver, operation and {@link Phase}; none may land before the beginning.
 *
 * <p>{@code -Dstrata.soak=true} runs ten times the trials ({@code -Dstrata.crash.trials=N} sets
 * them per driver and operation), {@code -Dstrata.crash.seed=N} replays a run's kill moments (as
 * fractions of the measured operation), {@code -Dstrata.crash.drivers=overlay2,btrfs} runs only
 * those drivers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashInjectionTest {

  /** Per driver and operation; the first of each runs to its end (it measures the operation). */
  private static final int TRIALS = Integer.getInteger("strata.crash.trials", Boolean.getBoolean("strata.soak") ? 80 : 8);
  private static final long SEED = Long.getLong("strata.crash.seed", System.nanoTime());
  private static final List<String> DRIVERS = Arrays.asList(System.getProperty("strata.crash.drivers",
      "vfs,overlay2,btrfs").split(","));

  private final CrashTable table = new CrashTable("SIGKILL: kills per driver, operation and phase");
  private Level savedLevel;
  private ChildJvm jvm;
  /** The archives every trial loads, written once: a few MB of random content. */
  private CrashScenarios scenarios;
  private LoopFilesystem btrfs;

  @BeforeAll
  void quietLibraries() {
    // Every reopen logs what recovery swept; hundreds of trials would bury the summary lines.
    savedLevel = Logger.getLogger("").getLevel();
    Logger.getLogger("").setLevel(Level.SEVERE);
  }

  @BeforeAll
  void archiveClasses(@TempDir Path shared) throws Exception {
    ChildJvm packed = ChildJvm.packed(shared.resolve("jvm"));
    Path root = shared.resolve("dump/root");
    scenarios = CrashScenarios.in(shared.resolve("archives"));
    scenarios.load().prepare(new ListedRoot("vfs", root));
    new StrataProcess(root, "vfs", shared.resolve("dump/logs"), packed.dumping()).runToEnd(scenarios.load().command());
    jvm = packed;
  }

  @AfterAll
  void printTableAndRelease() throws IOException {
    Logger.getLogger("").setLevel(savedLevel);
    System.out.println(table.render(SEED));
    if (btrfs != null) {
      try (LoopFilesystem fs = btrfs) {
        // A failed trial may have left a container mounted; the filesystem cannot go before it.
        TrialHomes.unmountAllUnder(fs.root());
      }
    }
  }

  static List<String> drivers() {
    return DRIVERS;
  }

  @Test
  void destroyForcibly_onLinux_sendsSigkill() throws Exception {
    Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "SIGKILL is Linux's");
    // A shell that ignores SIGTERM: only SIGKILL ends it, with 128 + 9.
    Process p = new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; sleep 30").start();
    assertEquals("ready", new String(p.getInputStream().readNBytes(5)));
    assertEquals(Child.KILLED, new Child(p).kill());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("drivers")
  void load_killedAnywhere_leavesWholeImageOrNothing(String driver, @TempDir Path tmp) throws Exception {
    run(driver, tmp, scenarios.load());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("drivers")
  void commit_killedAnywhere_leavesNewImageOrNothingAndContainerUnchanged(String driver, @TempDir Path tmp)
      throws Exception {
    run(driver, tmp, scenarios.commit());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("drivers")
  void rm_killedAnywhere_leavesContainerWholeOrGone(String driver, @TempDir Path tmp) throws Exception {
    run(driver, tmp, scenarios.rm());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("drivers")
  void rmi_killedAnywhere_leavesImageWholeOrGone(String driver, @TempDir Path tmp) throws Exception {
    run(driver, tmp, scenarios.rmi());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("drivers")
  void volumeCreate_killedAnywhere_leavesVolumeWithDataOrNothing(String driver, @TempDir Path tmp) throws Exception {
    run(driver, tmp, scenarios.volumeCreate());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("drivers")
  void volumeRm_killedAnywhere_leavesVolumeIntactOrGone(String driver, @TempDir Path tmp) throws Exception {
    run(driver, tmp, scenarios.volumeRm());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("drivers")
  void createWithVolumes_killedAnywhere_leavesContainerWithReferencesOrNone(String driver, @TempDir Path tmp)
      throws Exception {
    run(driver, tmp, scenarios.createWithVolumes());
  }

  private void run(String driver, Path tmp, CrashScenario scenario) throws Exception {
    Path parent = driver.equals("btrfs") ? btrfs().mirror(tmp) : tmp.resolve("trials");
    TrialRunner runner = new TrialRunner(driver, driver, TrialHomes.under(parent, driver), tmp.resolve("logs"), jvm,
        Interruption.sigkill(), table);
    runner.run(scenario, TRIALS, SEED);
    assertEquals(List.of(), MountTable.self().mountPointsUnder(parent), "nothing stays mounted");
  }

  /** The class's btrfs, made when the first btrfs trial needs it. */
  private LoopFilesystem btrfs() throws IOException {
    if (btrfs == null) {
      btrfs = LoopFilesystem.btrfs();
    }
    return btrfs;
  }
}
