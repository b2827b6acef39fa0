package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.files.MountTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Runs one operation again and again in a {@link CrashChild}, interrupts each run at a random
 * moment after it began, and checks the reopened root: {@code check} before reopening finds only
 * what opening sweeps, after reopening nothing at all (every layer re-hashed against its DiffID),
 * the operation is done or not done with nothing between (and done whenever it had finished),
 * the image loaded before is kept and nothing stays mounted.
 *
 * <p>The first trial runs the operation to its end and is interrupted after it; it measures the
 * operation. The others are interrupted at moments uniform over 0 to 1.1 times the shortest run
 * seen so far, so most land inside the operation and a few after it. Every assertion must hold at
 * every moment, so no trial depends on timing to pass; {@code seed} fixes the moments' fractions
 * of the window.
 */
final class TrialRunner {

  /**
   * What an interruption may leave for the next open to sweep, so what check may find before
   * reopening (it opens the layer store without its recovery): staging and trash directories and
   * driver layers no record names are an interrupted register, commit or removal; a reference
   * count above the images' is one a killed load, pull, commit or rmi took, which the image store
   * drops on open; a container record without a write layer, or a volume reference by a container
   * that does not exist, is what a killed create or rm left, which the container store drops on
   * open; a mount whose process died is unmounted on open; a container counted as mounted whose
   * mount a power cut took (as a reboot would) is mounted again on open.
   */
  static final Set<String> SWEPT_ON_OPEN = Set.of("LEFTOVER_STAGING", "ORPHAN_DRIVER_LAYER", "LEAKED_MOUNT",
      "BAD_REFERENCE_COUNT", "VOLUME_REFERENCE_TO_MISSING_CONTAINER", "CONTAINER_WITHOUT_WRITE_LAYER",
      "STALE_MOUNT_COUNT");

  /** Where trial roots live: a temporary directory, or a directory on a loop filesystem. */
  interface Homes {
    /** An empty directory for trial {@code n}'s root (under it: {@code root}). */
    Path trialDir(int n) throws IOException;

    /** Deletes a trial's directory once it was checked. */
    void delete(Path trialDir) throws IOException;
  }

  private final String where;
  private final String driver;
  private final Homes homes;
  private final Path logs;
  private final ChildJvm jvm;
  private final Interruption interruption;
  private final CrashTable table;

  /**
   * @param where the place as the table names it ({@code overlay2}, {@code xfs/vfs})
   * @param logs where each trial's stderr is kept (never on a filesystem whose power is cut)
   */
  TrialRunner(String where, String driver, Homes homes, Path logs, ChildJvm jvm, Interruption interruption,
      CrashTable table) {
    this.where = where;
    this.driver = driver;
    this.homes = homes;
    this.logs = logs;
    this.jvm = jvm;
    this.interruption = interruption;
    this.table = table;
  }

  /**
   * Runs {@code trials} trials of {@code scenario}; the first runs to the end, which measures the
   * operation, and is interrupted after it (a power cut then checks that what the command reported
   * done had reached the disk).
   */
  void run(CrashScenario scenario, int trials, long seed) throws Exception {
    Random random = new Random(seed ^ (where + "/" + scenario.name()).hashCode());
    long shortest = 0;
    Child next = process(homes.trialDir(0), 0).spawn(scenario.command());
    Child current = null;
    try {
      for (int i = 0; i < trials; i++) {
        // Made again: a power cut may have taken the directory made when this child was spawned.
        Path dir = homes.trialDir(i);
        ListedRoot state = new ListedRoot(driver, dir.resolve("root"));
        scenario.prepare(state);
        interruption.prepared(dir.resolve("root"));
        current = next;
        next = null;
        current.go();
        long begun = System.nanoTime();
        // The next child starts its JVM while this one runs and this trial is checked: JVM start-up
        // takes longer than a check, and two cores share the work.
        if (i + 1 < trials) {
          next = process(homes.trialDir(i + 1), i + 1).spawn(scenario.command());
        }
        long delay;
        if (i == 0) {
          if (!current.awaitExit(120_000)) {
            throw new AssertionError(where + " " + scenario.name() + " did not finish in 2 minutes");
          }
          delay = (System.nanoTime() - begun) / 1_000_000;
          shortest = Math.max(1, delay);
        } else {
          delay = (long) (random.nextDouble() * shortest * 11 / 10);
          if (current.awaitExit(delay)) {
            // A run that beat its moment is a shorter measure: on a busy machine the first may be slow.
            shortest = Math.min(shortest, (System.nanoTime() - begun) / 1_000_000);
          }
        }
        List<String> heard = interruption.interrupt(current);
        Child interrupted = current;
        current = null;
        Phase phase = Phase.of(heard);
        String context = where + " " + scenario.name() + " trial " + i + " (seed " + seed + ", after " + delay
            + " ms, shortest run " + shortest + " ms, " + phase + ", child said " + interrupted.heard() + ")";
        assertNotEquals(Phase.BEFORE_BEGIN, phase, context);
        checkExit(interrupted, phase, process(dir, i).stderr(), context);
        table.add(inspect(scenario, state, phase, context));
        homes.delete(dir);
      }
    } finally {
      for (Child left : new Child[] {current, next}) {
        if (left != null) {
          left.abandon();
        }
      }
    }
  }

  /**
   * The exit the child said it had: 0 whenever it finished before the interruption; any code
   * after a power cut inside the operation, as calls failing with EIO make it fail.
   */
  private void checkExit(Child child, Phase phase, String stderr, String context) {
    for (String line : child.heard()) {
      if (line.startsWith(CrashChild.FINISHED + " ") && (phase == Phase.AFTER_FINISH || !interruption.failuresAllowed())) {
        assertEquals(CrashChild.FINISHED + " 0", line, context + ": " + stderr);
      }
    }
  }

  /** Trial {@code n}'s child; its stderr is kept apart, as the next child starts before a trial is checked. */
  private StrataProcess process(Path dir, int n) {
    Path own = logs.resolve(where.replace('/', '-') + "-" + n);
    return new StrataProcess(dir.resolve("root"), driver, own, jvm.command());
  }

  private CrashTrial inspect(CrashScenario scenario, ListedRoot state, Phase phase, String context) throws Exception {
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
      if (phase == Phase.AFTER_FINISH) {
        assertEquals(scenario.done(), outcome, "an operation that finished is kept");
      }
      ListedRoot.ImageRow base = state.images().get(AppImage.TAG);
      assertTrue(base != null && base.id().equals(AppImage.id()), "the image loaded before is kept");
    } catch (AssertionError e) {
      throw new AssertionError(context + ": " + e.getMessage(), e);
    }
    assertEquals(List.of(), MountTable.self().mountPointsUnder(state.root()), context + ": nothing stays mounted");
    return new CrashTrial(where, scenario.name(), phase, before.kinds(), outcome);
  }
}
