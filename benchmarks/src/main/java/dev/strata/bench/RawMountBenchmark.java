package dev.strata.bench;

import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.bench.fixture.RawOverlayMount;
import dev.strata.bench.fixture.Stacks;
import dev.strata.bench.fixture.Teardown;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.Mount;
import dev.strata.posix.PosixException;
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

/**
 * The baseline for {@link MountBenchmark} on overlay2: the very overlay the driver would mount for
 * the same writable layer over {@code depth} read-only layers (same lowerdirs, upper, work dir and
 * options, taken from {@link GraphDriver#mounts}, on the same mount point), mounted and unmounted by
 * bare syscalls with every
 * string prepared in setup. {@code MountBenchmark / RawMountBenchmark(api=fsconfig)} is the
 * driver's overhead over the kernel's own work.
 *
 * <p>{@code api=fsconfig} is the new mount API the driver uses; {@code api=mount2} is one {@code
 * mount(2)}, which takes the options as one page at most: about 40 lowers of absolute paths here,
 * so deeper stacks fail in setup by design.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RawMountBenchmark {

  @Param({"1", "10", "60", "125", "499"})
  public int depth;

  @Param({"fsconfig", "mount2"})
  public String api;

  private DriverHome home;
  private RawOverlayMount overlay;
  private Path target;
  private boolean legacy;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    home = DriverHome.open("overlay2");
    try {
      GraphDriver graph = home.driver();
      LayerId top = Stacks.build(graph, LayerTars.standard(), "image", depth, MountBenchmark.FILES_PER_LAYER);
      LayerId container = LayerId.of("container");
      graph.createWritable(container, Optional.of(top), Map.of());
      // The driver's own mount point, so that only the code differs, not the target's place.
      target = graph.mount(container);
      graph.unmount(container);
      List<Mount> mounts = graph.mounts(container, target);
      if (mounts.size() != 1) {
        throw new IllegalStateException("expected one overlay mount, got " + mounts);
      }
      overlay = new RawOverlayMount(mounts.get(0));
      legacy = switch (api) {
        case "fsconfig" -> false;
        case "mount2" -> true;
        default -> throw new IllegalArgumentException("api must be fsconfig or mount2, not " + api);
      };
      if (legacy && !overlay.fitsMount2()) {
        throw new IllegalArgumentException("mount(2) cannot carry " + overlay.lowers() + " lowers: the"
            + " options exceed " + RawOverlayMount.MOUNT_DATA_LIMIT + " bytes; use api=fsconfig");
      }
    } catch (IOException | RuntimeException e) {
      Teardown.close(home);
      throw e;
    }
  }

  @Benchmark
  public Path mountUnmount() throws PosixException {
    if (legacy) {
      overlay.mountWithMount2(target);
    } else {
      overlay.mountWithFsConfig(target);
    }
    overlay.unmount(target);
    return target;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try {
      if (overlay != null) {
        overlay.unmount(target);
      }
    } catch (PosixException e) {
      // The normal case: every invocation unmounts; only one that failed half-way leaves a mount.
      if (e.errno() != PosixException.EINVAL && e.errno() != PosixException.ENOENT) {
        throw e;
      }
    } finally {
      Teardown.close(home);
    }
  }
}
