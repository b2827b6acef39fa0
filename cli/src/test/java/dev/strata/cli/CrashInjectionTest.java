package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.files.FileTrees;
import dev.strata.files.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code strata} with SIGKILL at random points of load, commit, rm, rmi, volume create,
 * volume rm and create with volumes, then reopens the root: the operation is either done or not
 * done, nothing committed before is lost, {@code check} reports the store clean and nothing stays
 * mounted. {@code -Dstrata.soak=true} runs ten times the trials; {@code -Dstrata.crash.seed=N}
 * replays one run.
 */
class CrashInjectionTest {

  private static final int TRIALS = Integer.getInteger("strata.crash.trials", Boolean.getBoolean("strata.soak") ? 300 : 30);
  private static final long SEED = Long.getLong("strata.crash.seed", System.nanoTime());
  /**
   * What a kill may leave for the next open to sweep. Check opens the layer store without its
   * recovery, so it sees these first: a reference count above the images' is one a killed load,
   * commit or rmi took, which the image store drops on open; a container record without a write
   * layer, or a volume reference by a container that does not exist, is what a killed create or rm
   * left, which the container store drops on open.
   */
  private static final Set<String> SWEPT_ON_OPEN = Set.of("LEFTOVER_STAGING", "ORPHAN_DRIVER_LAYER", "LEAKED_MOUNT",
      "BAD_REFERENCE_COUNT", "VOLUME_REFERENCE_TO_MISSING_CONTAINER", "CONTAINER_WITHOUT_WRITE_LAYER");

  private static Level savedLevel;
  private static ChildJvm jvm = ChildJvm.plain();

  @TempDir static Path shared;
  @TempDir Path tmp;

  @BeforeAll
  static void quietLibraries() {
    // Every reopen logs what recovery swept; hundreds of trials would bury the summary lines.
    savedLevel = Logger.getLogger("").getLevel();
    Logger.getLogger("").setLevel(Level.SEVERE);
  }

  @BeforeAll
  static void archiveClasses() throws Exception {
    ChildJvm packed = ChildJvm.packed(shared.resolve("jvm"));
    Path root = shared.resolve("dump/root");
    CrashScenarios scenarios = CrashScenarios.in(shared.resolve("archives"));
    scenarios.load().prepare(new ListedRoot("vfs", root));
    new StrataProcess(root, "vfs", shared.resolve("dump/logs"), packed.dumping()).runToEnd(scenarios.load().command());
    jvm = packed;
  }

  @AfterAll
  static void restoreLogging() {
    Logger.getLogger("").setLevel(savedLevel);
  }

  @Test
  void destroyForcibly_onLinux_sendsSigkill() throws Exception {
    Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "SIGKILL is Linux's");
    // A shell that ignores SIGTERM: only SIGKILL ends it, with 128 + 9.
    Process p = new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; sleep 30").start();
    assertEquals("ready", new String(p.getInputStream().readNBytes(5)));
    assertEquals(StrataProcess.KILLED, StrataProcess.kill(p));
  }

  @Test
  void load_killedAnywhere_leavesWholeImageOrNothing() throws Exception {
    run(scenarios().load(), TRIALS);
  }

  @Test
  void commit_killedAnywhere_leavesNewImageOrNothingAndContainerUnchanged() throws Exception {
    run(scenarios().commit(), TRIALS);
  }

  @Test
  void rm_killedAnywhere_leavesContainerWholeOrGone() throws Exception {
    run(scenarios().rm(), TRIALS);
  }

  @Test
  void rmi_killedAnywhere_leavesImageWholeOrGone() throws Exception {
    run(scenarios().rmi(), TRIALS);
  }

  @Test
  void volumeCreate_killedAnywhere_leavesVolumeWithDataOrNothing() throws Exception {
    run(scenarios().volumeCreate(), TRIALS);
  }

  @Test
  void volumeRm_killedAnywhere_leavesVolumeIntactOrGone() throws Exception {
    run(scenarios().volumeRm(), TRIALS);
  }

  @Test
  void createWithVolumes_killedAnywhere_leavesContainerWithReferencesOrNone() throws Exception {
    run(scenarios().createWithVolumes(), TRIALS);
  }

  private CrashScenarios scenarios() throws Exception {
    return CrashScenarios.in(tmp.resolve("archives"));
  }

  private void run(CrashScenario scenario, int trials) throws Exception {
    Random random = new Random(SEED ^ scenario.name().hashCode());
    long full = measure(scenario);
    // From the go to well past the measured end: trials run about a quarter slower than the one
    // measured run (the parent checks the last trial meanwhile). So kills land before the store
    // is opened, anywhere in the operation, and after it finished.
    long to = Math.max(1, full * 13 / 10);

    List<CrashTrial> done = new ArrayList<>();
    Process next = process(0).spawn(scenario.command());
    try {
      for (int i = 0; i < trials; i++) {
        Path dir = tmp.resolve("trial-" + i);
        ListedRoot state = new ListedRoot("vfs", dir.resolve("root"));
        scenario.prepare(state);
        Process p = next;
        long delay = (long) (random.nextDouble() * to);
        StrataProcess.go(p);
        boolean exited = p.waitFor(delay, TimeUnit.MILLISECONDS);
        int exit = StrataProcess.kill(p);
        // The next child starts its JVM while this trial is checked.
        next = i + 1 < trials ? process(i + 1).spawn(scenario.command()) : null;
        String context = scenario.name() + " trial " + i + " (seed " + SEED + ", kill after " + delay + " ms, exit "
            + exit + ")";
        assertTrue(exit == 0 || exit == StrataProcess.KILLED, context + ": " + Files.readString(dir.resolve("logs/stderr")));
        done.add(inspect(scenario, state, dir.resolve("root"), delay, !exited && exit == StrataProcess.KILLED, context));
        FileTrees.delete(dir);
      }
    } finally {
      if (next != null) {
        next.destroyForcibly().waitFor();
      }
    }
    assertEquals(List.of(), MountTable.self().mountPointsUnder(tmp), "nothing stays mounted");
    System.out.println(CrashTrial.summary(scenario.name(), done, full, to));
  }

  private StrataProcess process(int trial) {
    Path dir = tmp.resolve("trial-" + trial);
    return new StrataProcess(dir.resolve("root"), "vfs", dir.resolve("logs"), jvm.command());
  }

  /** Runs the operation once on a freshly prepared root; returns its milliseconds from the go. */
  private long measure(CrashScenario scenario) throws Exception {
    Path dir = tmp.resolve("measure");
    scenario.prepare(new ListedRoot("vfs", dir.resolve("root")));
    long took = new StrataProcess(dir.resolve("root"), "vfs", dir.resolve("logs"), jvm.command())
        .runToEnd(scenario.command()) / 1_000_000;
    FileTrees.delete(dir);
    return took;
  }

  private CrashTrial inspect(CrashScenario scenario, ListedRoot state, Path root, long delay, boolean killed,
      String context) throws Exception {
    // Only the kinds matter here; the check after reopening re-hashes every layer.
    ListedRoot.Check before = state.check(true);
    assertTrue(SWEPT_ON_OPEN.containsAll(before.kinds()), context + ": before reopening, check finds only what"
        + " opening sweeps; found " + before.output());
    state.ok("images");
    ListedRoot.Check after = state.check(false);
    assertEquals(0, after.exit(), context + ": check after reopening: " + after.output());
    assertEquals(List.of(), after.kinds(), context + ": check after reopening: " + after.output());
    String outcome;
    try {
      outcome = scenario.outcome(state);
      ListedRoot.ImageRow base = state.images().get(AppImage.TAG);
      assertTrue(base != null && base.id().equals(AppImage.id()), "the image loaded before is kept");
    } catch (AssertionError e) {
      throw new AssertionError(context + ": " + e.getMessage(), e);
    }
    assertEquals(List.of(), MountTable.self().mountPointsUnder(root), context + ": nothing stays mounted");
    return new CrashTrial(scenario.name(), delay, killed, before.kinds(), outcome);
  }
}
