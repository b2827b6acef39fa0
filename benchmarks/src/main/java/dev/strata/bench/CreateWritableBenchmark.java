package dev.strata.bench;

import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.bench.fixture.Stacks;
import dev.strata.bench.fixture.Teardown;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import java.io.IOException;
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

/**
 * {@link GraphDriver#createWritable} on an image of {@code files} small files: what creating a
 * container costs. vfs copies the image (reflinks on xfs, still one clone and one inode per file),
 * btrfs snapshots it (one ioctl, constant), overlay2 makes a few directories and records.
 *
 * <p>Each invocation creates a new layer; the per-invocation teardown removes it, unmeasured, so
 * every invocation sees the same home. Compare btrfs with {@link RawSnapshotBenchmark}, the bare
 * snapshot ioctl on the same image.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CreateWritableBenchmark {

  @Param({"vfs", "overlay2", "btrfs"})
  public String driver;

  @Param({"1000", "20000"})
  public int files;

  private DriverHome home;
  private GraphDriver graph;
  private LayerId image;
  private LayerId container;
  private int created;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    home = DriverHome.open(driver);
    try {
      graph = home.driver();
      image = Stacks.build(graph, "image", List.of(LayerTars.standard().smallFiles(files)));
    } catch (IOException | RuntimeException e) {
      Teardown.close(home);
      throw e;
    }
  }

  @Setup(Level.Invocation)
  public void nextId() {
    container = LayerId.of("container-" + created++);
  }

  @Benchmark
  public LayerId createWritable() throws IOException {
    graph.createWritable(container, Optional.of(image), Map.of());
    return container;
  }

  @TearDown(Level.Invocation)
  public void removeContainer() throws IOException {
    if (graph.exists(container)) {
      graph.remove(container);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Teardown.close(home);
  }
}
