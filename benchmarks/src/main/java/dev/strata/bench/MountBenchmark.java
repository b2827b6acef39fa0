package dev.strata.bench;

import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.bench.fixture.Stacks;
import dev.strata.bench.fixture.Teardown;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import java.io.IOException;
import java.nio.file.Path;
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
 * {@code mount} then {@code unmount} of a container's writable layer over {@code depth} read-only
 * layers: what starting and stopping a container costs the storage driver.
 *
 * <p>Only overlay2 pays for depth (one {@code lowerdir+} per layer, and the kernel opens every lower
 * when the superblock is made); vfs and btrfs views are the layer's own directory, so their mount is
 * a reference count whatever the depth; run them at small depths as the reference point.
 *
 * <p>{@code depth} counts the read-only layers; 499 is the deepest any driver accepts under a
 * writable layer ({@link GraphDriver#maxDepth()} is 500 and counts the writable layer too). A depth
 * the driver refuses fails the trial in setup, with the driver's message. The stack is built once a
 * trial from tiny layers ({@link LayerTars#stackLayer} with {@value #FILES_PER_LAYER} files).
 * Compare overlay2 with {@link RawMountBenchmark}, the same mount made by bare syscalls.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MountBenchmark {

  static final int FILES_PER_LAYER = 3;

  @Param({"vfs", "overlay2", "btrfs"})
  public String driver;

  @Param({"1", "10", "60", "125", "499"})
  public int depth;

  private DriverHome home;
  private GraphDriver graph;
  private final LayerId container = LayerId.of("container");

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    home = DriverHome.open(driver);
    try {
      graph = home.driver();
      LayerId top = Stacks.build(graph, LayerTars.standard(), "image", depth, FILES_PER_LAYER);
      graph.createWritable(container, Optional.of(top), Map.of());
    } catch (IOException | RuntimeException e) {
      Teardown.close(home);
      throw e;
    }
  }

  @Benchmark
  public Path mountUnmount() throws IOException {
    Path rootfs = graph.mount(container);
    graph.unmount(container);
    return rootfs;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Teardown.close(home);
  }
}
