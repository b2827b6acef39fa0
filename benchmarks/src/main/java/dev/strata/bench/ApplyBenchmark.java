package dev.strata.bench;

import dev.strata.bench.fixture.ApplyInputs;
import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.driver.ApplyResult;
import dev.strata.driver.LayerId;
import dev.strata.posix.FileSync;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Applies a layer tar as a new base layer: {@link dev.strata.driver.GraphDriver#createReadOnly},
 * which streams the tar into the layer and computes its DiffID (sha256 of the uncompressed tar) on
 * the way. Inputs: 20,000 small files (~90 MB) or one 1 GiB file, plain or gzip.
 *
 * <h2>Reading the results</h2>
 * The mode is throughput in seconds, so the primary score {@code ApplyBenchmark.apply} is layers
 * per second (1 / score = seconds per apply). Two secondary scores come from {@link Rates}:
 * {@code apply:files} is tar entries applied per second and {@code apply:megabytes} is megabytes
 * (10^6 bytes) of regular-file content written per second. Only the apply itself is timed: JMH counts the
 * time of each invocation alone when invocation-level fixtures are present, so removing the layer
 * and flushing the filesystem afterwards ({@link #removeLayer}) is not in the score.
 *
 * <p>The driver does not flush what it wrote (the layer store's one {@code syncfs} does that, see
 * {@code LayerStoreBenchmark}); each removal here is followed by a {@code syncfs} so that one
 * apply's write-back does not land in the next one's time.
 *
 * <p>For the memory bound (a 1 GiB apply streams, it is not buffered) see {@link ApplyHeapBenchmark};
 * {@code -prof gc} on this class shows the allocation rate per apply.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class ApplyBenchmark {

  @Param({"vfs", "overlay2", "btrfs"})
  public String driver;

  /** {@code files-20k} or {@code 1gib}, see {@link ApplyInputs}. */
  @Param({"files-20k", "1gib"})
  public String layer;

  @Param({"none", "gzip"})
  public String compression;

  private DriverHome home;
  private Path input;
  private int applied;
  private LayerId current;

  @Setup(Level.Trial)
  public void open() throws IOException {
    input = ApplyInputs.resolve(LayerTars.standard(), layer, compression);
    home = DriverHome.open(driver);
  }

  @Setup(Level.Invocation)
  public void nextLayerId() {
    current = LayerId.of("apply-" + ++applied);
  }

  @Benchmark
  public ApplyResult apply(Rates rates) throws IOException {
    ApplyResult result;
    try (InputStream in = Files.newInputStream(input)) {
      result = home.driver().createReadOnly(current, Optional.empty(), in);
    }
    rates.files += result.entries();
    rates.megabytes += result.size() / 1e6;
    return result;
  }

  @TearDown(Level.Invocation)
  public void removeLayer() throws IOException {
    if (home.driver().exists(current)) {
      home.driver().remove(current);
    }
    new FileSync().syncFilesystem(home.driver().home());
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    if (home != null) {
      home.close();
    }
  }

  /** Files and megabytes applied; JMH divides them by the measured time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Rates {
    public long files;
    public double megabytes;

    @Setup(Level.Iteration)
    public void reset() {
      files = 0;
      megabytes = 0;
    }
  }
}
