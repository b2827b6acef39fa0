package dev.strata.bench.compare;

import dev.strata.bench.fixture.LayerTars;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times one Strata operation in a warm JVM, as a runtime embedding Strata runs it: the inputs are
 * prepared, one warmup run, then {@code RUNS} timed runs with an untimed cleanup after each. Prints
 * one time per line in milliseconds (for {@code benchmarks/compare.sh} to take the median), after
 * {@code # name value} lines that tell the script what the baselines must use.
 *
 * <pre>
 * apply    DRIVER HOME TAR RUNS                    createReadOnly of TAR, then remove
 * diff     DRIVER HOME TAR EVERY RUNS              diff of a writable layer over TAR with every
 *                                                  EVERY-th file rewritten   (# upper DIR): the
 *                                                  native differ on overlay2, the generic one
 *                                                  (whole trees) on vfs and btrfs, where DIR is a
 *                                                  copy of the rewritten files at HOME-upper
 * mount    DRIVER HOME DEPTH LOOPS RUNS SPEC       LOOPS x mount+unmount of a writable layer over
 *                                                  DEPTH-1 layers; the mount goes to SPEC
 * snapshot DRIVER HOME TAR LOOPS RUNS              LOOPS x createWritable over TAR (creations
 *                                                  timed, removals not; the driver opened as
 *                                                  the layer store opens it)  (# source SUBVOLUME)
 * load     DRIVER ROOT ARCHIVE RUNS                ImageArchives.load into a store at ROOT, then rmi
 * </pre>
 *
 * HOME and ROOT must be fresh directories on the filesystem under test. The system property
 * {@code strata.bench.warmups} asks for more warmup runs than one: the JIT keeps improving the
 * tar path for several runs, so one warmup is not yet the steady state of a long-running runtime.
 * With RUNS given as {@code on-request}, the warmups are followed by {@code ready} and then one
 * timed run per {@code run} line on standard input, so that the script can interleave another
 * tool's runs with Strata's.
 */
public final class Compare {

  private Compare() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 5) {
      usage();
    }
    String operation = args[0];
    String driverName = args[1];
    Path home = Path.of(args[2]).toAbsolutePath();
    PrintStream out = System.out;
    switch (operation) {
      case "apply" -> {
        expect(args, 5);
        GraphDriver driver = open(driverName, home);
        run(new ApplyTrial(driver, Path.of(args[3])), args[4], home, out);
      }
      case "diff" -> {
        expect(args, 6);
        DiffTrial trial = DiffTrial.prepare(open(driverName, home), Path.of(args[3]), Integer.parseInt(args[4]));
        out.println("# upper " + trial.upper());
        run(trial, args[5], home, out);
      }
      case "mount" -> {
        expect(args, 7);
        MountTrial trial = MountTrial.prepare(open(driverName, home), LayerTars.standard(),
            Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        trial.writeSpec(Path.of(args[6]));
        run(trial, args[5], home, out);
      }
      case "snapshot" -> {
        expect(args, 6);
        // As the layer store opens its driver: the store's syncfs before it publishes makes the
        // driver's records durable, so the driver does not fsync each one (DriverConfig.callerSyncs).
        SnapshotTrial trial = SnapshotTrial.prepare(
            new GraphDrivers().open(driverName, DriverConfig.of(home).withCallerSyncs(true)), Path.of(args[3]),
            Integer.parseInt(args[4]));
        out.println("# source " + trial.source());
        run(trial, args[5], home, out);
      }
      case "load" -> {
        expect(args, 5);
        Files.createDirectories(home);
        run(LoadTrial.open(home, driverName, Path.of(args[3])), args[4], home, out);
      }
      default -> usage();
    }
  }

  private static GraphDriver open(String driverName, Path home) throws IOException {
    return new GraphDrivers().open(driverName, DriverConfig.of(home));
  }

  private static void run(Trial trial, String runs, Path filesystem, PrintStream out) throws IOException {
    try (trial) {
      int warmups = Integer.getInteger("strata.bench.warmups", 1);
      if (runs.equals("on-request")) {
        new TimedRuns(warmups, 1, filesystem).measureOnRequest(trial,
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
      } else {
        new TimedRuns(warmups, Integer.parseInt(runs), filesystem).measure(trial, out);
      }
    }
  }

  private static void expect(String[] args, int count) {
    if (args.length != count) {
      usage();
    }
  }

  private static void usage() {
    System.err.println("usage: Compare apply|diff|mount|snapshot|load DRIVER HOME ... RUNS|on-request"
        + " (see the class comment for each operation's arguments)");
    System.exit(2);
  }
}
