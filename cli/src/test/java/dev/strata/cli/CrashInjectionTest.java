package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.files.MountTable;
import dev.strata.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills {@code strata} with SIGKILL at random moments of load, commit, rm, rmi, volume create,
 * volume rm and create with volumes ({@link CrashScenarios#killed}), on vfs, overlay2 and btrfs (on
 * a loop btrfs), then reopens the root: the operation is either done or not done (done if it had
 * finished), nothing committed before is lost, {@code check} reports the store clean and nothing
 * stays mounted ({@link TrialRunner}). Every kill is timed from the moment the child said the
 * operation began, and the table printed at the end counts kills per driver, operation and {@link
 * Phase}; none may land before the beginning.
 *
 * <p>{@code -Dstrata.soak=true} runs ten times the trials ({@code -Dstrata.crash.trials=N} sets
 * them per driver and operation), {@code -Dstrata.crash.seed=N} replays a run's kill moments (as
 * fractions of the measured operation), {@code -Dstrata.crash.drivers=overlay2,btrfs} and {@code
 * -Dstrata.crash.operations=commit,rm} run only those.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(QuietLibraryLogs.class)
class CrashInjectionTest {

  /** Per driver and operation; the first of each runs to its end (it measures the operation). */
  private static final int TRIALS = Integer.getInteger("strata.crash.trials", Boolean.getBoolean("strata.soak") ? 100 : 10);
  private static final long SEED = Long.getLong("strata.crash.seed", System.nanoTime());
  private static final String DRIVERS = System.getProperty("strata.crash.drivers", "vfs,overlay2,btrfs");
  private static final String OPERATIONS = System.getProperty("strata.crash.operations", "");

  private final CrashTable table = new CrashTable("SIGKILL: kills per driver, operation and phase");
  private ChildJvm jvm;
  /** The archives every trial loads, written once: a few MB of random content. */
  private CrashScenarios scenarios;
  private LoopFilesystem btrfs;

  @BeforeAll
  void setUp(@TempDir Path shared) throws Exception {
    scenarios = CrashScenarios.in(shared.resolve("archives"));
    jvm = ChildJvm.archived(shared, scenarios.load());
  }

  @AfterAll
  void printTableAndRelease() throws IOException {
    System.out.println(table.render(SEED));
    if (btrfs != null) {
      try (LoopFilesystem fs = btrfs) {
        // A failed trial may have left a container mounted; the filesystem cannot go before it.
        TrialHomes.unmountAllUnder(fs.root());
      }
    }
  }

  /** Every driver with every operation, each pair its own scenario (a scenario keeps what it prepared). */
  Stream<Arguments> driversAndOperations() {
    return Stream.of(DRIVERS.split(",")).flatMap(driver -> scenarios.killed().stream()
        .filter(s -> OPERATIONS.isEmpty() || List.of(OPERATIONS.split(",")).contains(s.name()))
        .map(s -> Arguments.of(driver, s)));
  }

  @Test
  void kill_childIgnoringSigterm_endsItWithSigkill() throws Exception {
    Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "SIGKILL is Linux's");
    // A shell that ignores SIGTERM: only SIGKILL ends it, with 128 + 9.
    Process p = new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; sleep 30").start();
    assertEquals("ready", new String(p.getInputStream().readNBytes(5)));
    assertEquals(Child.KILLED, new Child(p).kill());
  }

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("driversAndOperations")
  void operation_killedAnywhere_leavesItDoneOrNotDone(String driver, CrashScenario scenario, @TempDir Path tmp)
      throws Exception {
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
