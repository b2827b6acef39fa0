package dev.strata.bench;

import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.bench.fixture.RawSnapshots;
import dev.strata.bench.fixture.Stacks;
import dev.strata.bench.fixture.Teardown;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
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
 * The baseline for {@link CreateWritableBenchmark} on btrfs: one {@code BTRFS_IOC_SNAP_CREATE_V2}
 * of the same image layer's subvolume, on the same filesystem, through the same posix layer, and
 * nothing else (no staging, rename or record). Each snapshot is destroyed in the per-invocation
 * teardown, unmeasured, as the driver benchmark removes its layer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RawSnapshotBenchmark {

  @Param({"1000", "20000"})
  public int files;

  private final RawSnapshots snapshots = new RawSnapshots();
  private DriverHome home;
  private Path source;
  private Path targets;
  private Path target;
  private int created;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    home = DriverHome.open("btrfs");
    try {
      GraphDriver graph = home.driver();
      LayerId image = Stacks.build(graph, "image", List.of(LayerTars.standard().smallFiles(files)));
      // A btrfs view is the subvolume itself; the reference is dropped again in Teardown.
      source = graph.mount(image);
      targets = Files.createDirectory(home.scratch().resolve("snapshots"));
    } catch (IOException | RuntimeException e) {
      Teardown.close(home);
      throw e;
    }
  }

  @Setup(Level.Invocation)
  public void nextTarget() {
    target = targets.resolve("snap-" + created++);
  }

  @Benchmark
  public Path snapshot() throws IOException {
    snapshots.snapshot(source, target);
    return target;
  }

  @TearDown(Level.Invocation)
  public void destroySnapshot() throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      snapshots.destroy(target);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Teardown.close(home);
  }
}
