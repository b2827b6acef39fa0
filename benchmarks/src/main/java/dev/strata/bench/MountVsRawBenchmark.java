package dev.strata.bench;

import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.bench.fixture.PairedTimes;
import dev.strata.bench.fixture.RawOverlayMount;
import dev.strata.bench.fixture.Stacks;
import dev.strata.bench.fixture.Teardown;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.Mount;
import java.io.IOException;
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
 * {@link MountBenchmark} and {@link RawMountBenchmark}'s fsconfig mount in one trial, alternating
 * (driver first on even invocations, raw first on odd), on the same layers and mount point. The
 * score is the pair's time; the ratio of the medians, driver over raw, is printed at the end of
 * the trial ({@code overlay2 mount+unmount at depth N: ... ratio R}). Use this, not two separate
 * trials, for the driver's overhead on a machine that other work shares.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MountVsRawBenchmark {

  @Param({"1", "10", "60", "125", "499"})
  public int depth;

  private DriverHome home;
  private GraphDriver graph;
  private final LayerId container = LayerId.of("container");
  private RawOverlayMount raw;
  private Path target;
  private PairedTimes times;
  private boolean rawFirst;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    home = DriverHome.open("overlay2");
    try {
      graph = home.driver();
      LayerId top = Stacks.build(graph, LayerTars.standard(), "image", depth, MountBenchmark.FILES_PER_LAYER);
      graph.createWritable(container, Optional.of(top), Map.of());
      target = graph.mount(container);
      graph.unmount(container);
      List<Mount> mounts = graph.mounts(container, target);
      raw = new RawOverlayMount(mounts.get(0));
      times = new PairedTimes("overlay2 mount+unmount at depth " + depth, "driver", "raw fsconfig");
    } catch (IOException | RuntimeException e) {
      Teardown.close(home);
      throw e;
    }
  }

  @Setup(Level.Iteration)
  public void dropWarmup(IterationParams iteration) {
    times.startIteration(iteration.getType() == IterationType.MEASUREMENT);
  }

  @Benchmark
  public Path pair() throws IOException {
    rawFirst = !rawFirst;
    times.pair(this::driverOnce, this::rawOnce, rawFirst);
    return target;
  }

  private void driverOnce() throws IOException {
    graph.mount(container);
    graph.unmount(container);
  }

  private void rawOnce() throws IOException {
    raw.mountWithFsConfig(target);
    raw.unmount(target);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (times != null) {
      System.out.println(times.summary());
    }
    Teardown.close(home);
  }
}
