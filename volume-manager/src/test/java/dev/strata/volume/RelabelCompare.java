package dev.strata.volume;

import dev.strata.driver.posix.Xattrs;
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
 * /tmp, relabels it with each tool, alternating two labels so that every "first" run rewrites every
 * entry, then repeats the last label to time the already-labelled case. Prints medians.
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
    try {
      int entries = populate(root, files);
      System.out.printf("tree %s: %d entries (%d files in 100-file directories)%n",
          root, entries, files);
      int cores = Runtime.getRuntime().availableProcessors();
      List<String> lines = new ArrayList<>();
      lines.addAll(timeJava(root, runs, 1));
      if (cores > 1) {
        lines.addAll(timeJava(root, runs, cores));
      }
      lines.addAll(timeChcon(root, runs));
      lines.forEach(System.out::println);
    } finally {
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

  private static List<String> timeJava(Path root, int runs, int parallelism) throws Exception {
    ForkJoinPool pool = new ForkJoinPool(parallelism);
    try {
      Relabeler relabeler = new Relabeler(new Xattrs(), pool, RelabelRefusals.of(List.of()));
      relabeler.relabel(root, SHARED); // warm-up: JIT and dentry cache
      long[] first = new long[runs];
      long[] again = new long[runs];
      for (int i = 0; i < runs; i++) {
        SelinuxLabel label = i % 2 == 0 ? PRIVATE : SHARED;
        long t0 = System.nanoTime();
        RelabelResult changed = relabeler.relabel(root, label);
        long t1 = System.nanoTime();
        RelabelResult unchanged = relabeler.relabel(root, label);
        long t2 = System.nanoTime();
        if (changed.changed() != changed.visited() || unchanged.changed() != 0) {
          throw new IllegalStateException("unexpected counts " + changed + " " + unchanged);
        }
        first[i] = t1 - t0;
        again[i] = t2 - t1;
      }
      return report("Relabeler, parallelism " + parallelism, first, again);
    } finally {
      pool.shutdown();
    }
  }

  private static List<String> timeChcon(Path root, int runs) throws Exception {
    chcon(root, SHARED);
    long[] first = new long[runs];
    long[] again = new long[runs];
    for (int i = 0; i < runs; i++) {
      SelinuxLabel label = i % 2 == 0 ? PRIVATE : SHARED;
      long t0 = System.nanoTime();
      chcon(root, label);
      long t1 = System.nanoTime();
      chcon(root, label);
      long t2 = System.nanoTime();
      first[i] = t1 - t0;
      again[i] = t2 - t1;
    }
    return report("chcon -R", first, again);
  }

  private static void chcon(Path root, SelinuxLabel label) throws Exception {
    Process p = new ProcessBuilder("chcon", "-R", label.toString(), root.toString())
        .inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("chcon exited " + p.exitValue());
    }
  }

  private static List<String> report(String what, long[] first, long[] again) {
    return List.of(String.format("%-26s relabel median %7.1f ms %s | already labelled median %7.1f ms %s",
        what, median(first), millis(first), median(again), millis(again)));
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
