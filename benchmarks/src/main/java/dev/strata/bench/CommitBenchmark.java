package dev.strata.bench;

import dev.strata.bench.fixture.ChangedFiles;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.bench.fixture.StoreHome;
import dev.strata.layer.InitHook;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
 * {@code docker commit} through the layer store: {@link LayerStore#commit} of a container with
 * {@code changes} files rewritten over the 20,000-file image. That is the driver's diff into a
 * temporary tar, then a register of it (apply, tar-split record, the {@code syncfs} flush, the
 * metadata). Score: seconds per commit, one shot each. The new layer is released after each
 * commit, outside the timing, so every commit creates its layer afresh.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@State(Scope.Benchmark)
public class CommitBenchmark {

  private static final String CONTAINER = "bench";

  @Param({"vfs", "overlay2", "btrfs"})
  public String driver;

  @Param({"10", "1000", "10000"})
  public int changes;

  private StoreHome home;
  private Layer committed;

  @Setup(Level.Trial)
  public void open() throws IOException {
    Path image = LayerTars.standard().smallFiles(LayerTars.SMALL_FILES);
    home = StoreHome.open(driver);
    LayerStore layers = home.layers();
    Layer base;
    try (InputStream in = Files.newInputStream(image)) {
      base = layers.register(in, Optional.empty(), Optional.empty());
    }
    layers.writeLayers().create(CONTAINER, Optional.of(base.chainId()), InitHook.none(), Map.of());
    Path root = layers.writeLayers().mount(CONTAINER);
    try {
      ChangedFiles.rewrite(root, LayerTars.SMALL_FILES, changes);
    } finally {
      layers.writeLayers().unmount(CONTAINER);
    }
  }

  @Benchmark
  public Layer commit() throws IOException {
    committed = home.layers().writeLayers().commit(CONTAINER);
    return committed;
  }

  @TearDown(Level.Invocation)
  public void releaseCommitted() throws IOException {
    if (committed != null) {
      home.layers().release(committed.chainId());
      committed = null;
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    if (home != null) {
      home.close();
    }
  }
}
