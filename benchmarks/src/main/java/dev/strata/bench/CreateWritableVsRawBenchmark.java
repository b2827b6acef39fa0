package dev.strata.bench;

import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.bench.fixture.PairedTimes;
import dev.strata.bench.fixture.RawSnapshots;
import dev.strata.bench.fixture.Stacks;
import dev.strata.bench.fixture.Teardown;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * {@link CreateWritableBenchmark} on btrfs and {@link RawSnapshotBenchmark} in one trial,
 * alternating which goes first, on the same image subvolume: the driver's createWritable against
 * the bare snapshot ioctl. The score is the pair's time; the ratio of the medians, driver over raw,
 * is printed at the end of the trial. The driver's layer and the raw snapshot are removed after
 * each pair, unmeasured, so that both always work on the same home.
 *
 * <p>{@code callerSyncs} opens the driver as the layer store does, leaving the flush of each
 * layer's record to the store's one {@code syncfs} before it publishes; {@code false} is a driver
 * used alone, which flushes each record itself (an {@code fsync}, a btrfs log commit). The raw
 * ioctl makes its snapshot durable (it commits the transaction) and writes no record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CreateWritableVsRawBenchmark {

  @Param({"1000", "20000"})
  public int files;

  @Param({"true", "false"})
  public boolean callerSyncs;

  private final RawSnapshots snapshots = new RawSnapshots();
  private DriverHome home;
  private GraphDriver graph;
  private LayerId image;
  private Path source;
  private Path targets;
  private PairedTimes times;
  private boolean rawFirst;
  private int created;
  private LayerId container;
  private Path target;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    home = DriverHome.open("btrfs", callerSyncs);
    try {
      graph = home.driver();
      image = Stacks.build(graph, "image", List.of(LayerTars.standard().smallFiles(files)));
      // A btrfs view is the subvolume itself; the reference is dropped again in Teardown.
      source = graph.mount(image);
      targets = Files.createDirectory(home.scratch().resolve("snapshots"));
      times = new PairedTimes("btrfs create-writable on " + files + " files"
          + (callerSyncs ? ", records synced by the caller" : ", records flushed by the driver"), "driver", "raw ioctl");
    } catch (IOException | RuntimeException e) {
      Teardown.close(home);
      throw e;
    }
  }

  @Setup(Level.Iteration)
  public void dropWarmup(IterationParams iteration) {
    times.startIteration(iteration.getType() == IterationType.MEASUREMENT);
  }

  @Setup(Level.Invocation)
  public void nextNames() {
    container = LayerId.of("container-" + created);
    target = targets.resolve("snap-" + created);
    created++;
  }

  @Benchmark
  public LayerId pair() throws IOException {
    rawFirst = !rawFirst;
    times.pair(() -> graph.createWritable(container, Optional.of(image), Map.of()),
        () -> snapshots.snapshot(source, target), rawFirst);
    return container;
  }

  @TearDown(Level.Invocation)
  public void removeBoth() throws IOException {
    if (graph.exists(container)) {
      graph.remove(container);
    }
    if (Files.exists(target)) {
      snapshots.destroy(target);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (times != null) {
      System.out.println(times.summary());
    }
    Teardown.close(home);
  }
}
