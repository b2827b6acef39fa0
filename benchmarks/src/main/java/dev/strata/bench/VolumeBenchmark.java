package dev.strata.bench;

import dev.strata.bench.fixture.FileTree;
import dev.strata.testing.LoopFilesystem;
import dev.strata.volume.RelabelRefusals;
import dev.strata.volume.RelabelResult;
import dev.strata.volume.Relabeler;
import dev.strata.volume.SelinuxLabel;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import dev.strata.volume.VolumeSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Volume work a container start and {@code volume ls} pay for, on a loop xfs (which stores
 * {@code security.selinux} without a policy loaded). Milliseconds per call.
 * <ul>
 *   <li>{@code relabel}: {@code -v src:dst:Z} on a tree of {@code treeFiles} files: every call sets
 *       the other of two labels, so every entry is written ({@code setxattrat}).
 *   <li>{@code relabelUnchanged}: the same label again, as every later container start does: one
 *       {@code getxattrat} per entry, nothing written.
 *   <li>{@code list}: {@link VolumeStore#list} of all {@code volumes} volumes ({@code volume ls}).
 * </ul>
 * {@code threads} is the relabel pool's parallelism.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class VolumeBenchmark {

  private static final SelinuxLabel SHARED = SelinuxLabel.CONTAINER_FILE;
  private static final SelinuxLabel PRIVATE_A = SHARED.withLevel("s0:c1,c2");
  private static final SelinuxLabel PRIVATE_B = SHARED.withLevel("s0:c3,c4");

  /** A labelled tree and a relabeler. */
  @State(Scope.Benchmark)
  public static class Tree {
    @Param({"100000"})
    public int treeFiles;

    @Param({"1", "2"})
    public int threads;

    LoopFilesystem filesystem;
    Path root;
    ForkJoinPool pool;
    Relabeler relabeler;
    long entries;
    boolean flip;

    @Setup(Level.Trial)
    public void open() throws IOException {
      filesystem = LoopFilesystem.of("xfs", 2L << 30);
      root = Files.createDirectories(filesystem.root().resolve("volume"));
      entries = FileTree.populate(root, treeFiles);
      pool = new ForkJoinPool(threads);
      relabeler = new Relabeler(pool, RelabelRefusals.of(List.of()));
      relabeler.relabel(root, SHARED);
    }

    /** Fails the run when a relabel did not do the work it is timed for. */
    RelabelResult expect(RelabelResult result, long changed) {
      if (result.visited() != entries || result.changed() != changed) {
        throw new IllegalStateException("relabel of " + entries + " entries, " + changed + " to change, gave "
            + result);
      }
      return result;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      if (pool != null) {
        pool.shutdown();
      }
      if (filesystem != null) {
        filesystem.close();
      }
    }
  }

  /** A volume store of {@code volumes} volumes. */
  @State(Scope.Benchmark)
  public static class Volumes {
    @Param({"1000", "10000"})
    public int volumes;

    LoopFilesystem filesystem;
    VolumeStore store;

    @Setup(Level.Trial)
    public void open() throws IOException {
      filesystem = LoopFilesystem.of("xfs", 2L << 30);
      store = VolumeStore.open(Files.createDirectories(filesystem.root().resolve("strata")));
      for (int i = 0; i < volumes; i++) {
        store.create(new VolumeSpec(Optional.of(String.format("volume-%05d", i)), VolumeStore.LOCAL, Map.of(),
            Map.of("bench", "true")));
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      if (store != null) {
        store.close();
      }
      if (filesystem != null) {
        filesystem.close();
      }
    }
  }

  @Benchmark
  public RelabelResult relabel(Tree t) throws IOException {
    t.flip = !t.flip;
    return t.expect(t.relabeler.relabel(t.root, t.flip ? PRIVATE_A : PRIVATE_B), t.entries);
  }

  @Benchmark
  public RelabelResult relabelUnchanged(Tree t) throws IOException {
    return t.expect(t.relabeler.relabel(t.root, SHARED), 0);
  }

  @Benchmark
  public List<Volume> list(Volumes v) throws IOException {
    return v.store.list(VolumeFilter.all());
  }
}
