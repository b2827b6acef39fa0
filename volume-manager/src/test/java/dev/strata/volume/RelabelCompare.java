package dev.strata.volume;

import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * A rough comparison of {@link Relabeler} with coreutils {@code chcon -R}, run by {@code
 * relabel-compare.sh}: not a benchmark (those are JMH) and not a test. Builds a tree of files under
 * /tmp, relabels it with each tool in turn (round-robin, so a shared machine's load falls on all
 * of them alike), alternating two labels so that every "first" run rewrites every entry, then
 * repeats the last label to time the already-labelled case. Prints medians.
 *
 * <p>Arguments: {@code [files] [runs]}, default 100000 and 5.
 */
public final class RelabelCompare {

  private static final SelinuxLabel SHARED = SelinuxLabel.CONTAINER_FILE;
  private static final SelinuxLabel PRIVATE = SHARED.withLevel("s0:c1,c2");

  private RelabelCompare() {}

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path root = Files.createTempDirectory(Path.of("/tmp"), "relabel-compare-");
    List<ForkJoinPool> pools = new ArrayList<>();
    try {
      int entries = populate(root, files);
      System.out.printf("tree %s: %d entries (%d files in 100-file directories)%n",
          root, entries, files);
      int cores = Runtime.getRuntime().availableProcessors();
      List<Contender> contenders = new ArrayList<>();
      for (int parallelism : cores > 1 ? new int[] {1, cores} : new int[] {1}) {
        ForkJoinPool pool = new ForkJoinPool(parallelism);
        pools.add(pool);
        Relabeler relabeler = new Relabeler(new Xattrs(), pool, RelabelRefusals.of(List.of()));
        contenders.add(new Contender("Relabeler, parallelism " + parallelism, runs,
            label -> relabeler.relabel(root, label)));
      }
      contenders.add(new Contender("chcon -R", runs, label -> chcon(root, label)));
      for (Contender c : contenders) {
        c.tool.relabel(SHARED); // warm-up: JIT and dentry cache
      }
      // Round-robin, so that every tool sees the same load on a shared machine; each first run
      // flips the tree to the other label, so it rewrites every entry.
      SelinuxLabel current = SHARED;
      for (int i = 0; i < runs; i++) {
        for (Contender c : contenders) {
          current = current == SHARED ? PRIVATE : SHARED;
          c.time(i, current);
        }
      }
      contenders.forEach(c -> System.out.println(report(c.name, c.first, c.again)));
    } finally {
      pools.forEach(ForkJoinPool::shutdown);
      new ProcessBuilder("rm", "-rf", root.toString()).inheritIO().start().waitFor();
    }
  }

  private static int populate(Path root, int files) throws IOException {
    int entries = 1;
    for (int d = 0; d * 100 < files; d++) {
      Path dir = Files.createDirectory(root.resolve("d" + d));
      entries++;
      for (int f = 0; f < 100 && d * 100 + f < files; f++) {
        Files.createFile(dir.resolve("f" + f));
        entries++;
      }
    }
    return entries;
  }

  /** Relabels the whole tree; returns the counts when it can tell them. */
  private interface Tool {
    Object relabel(SelinuxLabel label) throws Exception;
  }

  private static final class Contender {
    final String name;
    final Tool tool;
    final long[] first;
    final long[] again;

    Contender(String name, int runs, Tool tool) {
      this.name = name;
      this.tool = tool;
      this.first = new long[runs];
      this.again = new long[runs];
    }

    void time(int run, SelinuxLabel label) throws Exception {
      long t0 = System.nanoTime();
      Object changed = tool.relabel(label);
      long t1 = System.nanoTime();
      Object unchanged = tool.relabel(label);
      long t2 = System.nanoTime();
      if (changed instanceof RelabelResult c && unchanged instanceof RelabelResult u
          && (c.changed() != c.visited() || u.changed() != 0)) {
        throw new IllegalStateException("unexpected counts " + c + " " + u);
      }
      first[run] = t1 - t0;
      again[run] = t2 - t1;
    }
  }

  private static Object chcon(Path root, SelinuxLabel label) throws Exception {
    Process p = new ProcessBuilder("chcon", "-R", label.toString(), root.toString())
        .inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("chcon exited " + p.exitValue());
    }
    return null;
  }

  private static String report(String what, long[] first, long[] again) {
    return String.format("%-26s relabel median %7.1f ms %s | already labelled median %7.1f ms %s",
        what, median(first), millis(first), median(again), millis(again));
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double mid = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    return mid / 1e6;
  }

  private static String millis(long[] nanos) {
    return Arrays.toString(Arrays.stream(nanos).map(n -> n / 1_000_000).toArray());
  }
}
