package dev.strata.bench;

import dev.strata.bench.fixture.ApplyInputs;
import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.driver.ApplyResult;
import dev.strata.driver.LayerId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The memory bound of applying: a 1 GiB layer applied in a JVM whose heap is capped at
 * {@value #HEAP_MIB} MiB. Passing is completing; an apply that buffered its input would fail with
 * {@code OutOfMemoryError}. The score is the apply time in seconds (one shot, no warm-up).
 *
 * <p>Run it with {@code -prof gc} to see the allocation per apply as well: {@code
 * gc.alloc.rate.norm} is bytes allocated per apply, which for a streaming apply stays in the low
 * megabytes whatever the layer's size. Do not override {@code -jvmArgs}/{@code -jvmArgsAppend}
 * on the command line: the trial refuses to run when the heap it got is not the capped one.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx64m"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@State(Scope.Benchmark)
public class ApplyHeapBenchmark {

  static final int HEAP_MIB = 64;

  @Param({"vfs", "overlay2", "btrfs"})
  public String driver;

  @Param({"none", "gzip"})
  public String compression;

  private DriverHome home;
  private Path input;
  private int applied;
  private LayerId current;

  @Setup(Level.Trial)
  public void open() throws IOException {
    long maxHeap = Runtime.getRuntime().maxMemory();
    if (maxHeap > ((long) HEAP_MIB << 20)) {
      throw new IllegalStateException("heap is " + (maxHeap >> 20) + " MiB, not capped at " + HEAP_MIB
          + " MiB: run without -jvmArgs overrides");
    }
    input = ApplyInputs.resolve(LayerTars.standard(), "1gib", compression);
    home = DriverHome.open(driver);
  }

  @Setup(Level.Invocation)
  public void nextLayerId() {
    current = LayerId.of("heap-" + ++applied);
  }

  @Benchmark
  public ApplyResult applyOneGib() throws IOException {
    try (InputStream in = Files.newInputStream(input)) {
      return home.driver().createReadOnly(current, Optional.empty(), in);
    }
  }

  @TearDown(Level.Invocation)
  public void removeLayer() throws IOException {
    if (home.driver().exists(current)) {
      home.driver().remove(current);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    if (home != null) {
      home.close();
    }
  }
}
