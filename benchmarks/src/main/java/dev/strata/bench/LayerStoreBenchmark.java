package dev.strata.bench;

import dev.strata.bench.fixture.LayerTars;
import dev.strata.bench.fixture.StackArchives;
import dev.strata.bench.fixture.StoreHome;
import dev.strata.bench.fixture.TinyLayers;
import dev.strata.image.Image;
import dev.strata.image.ImageArchives;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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

/**
 * The layer store's own work, above the driver's apply.
 * <ul>
 *   <li>{@code registerKnownDiffId}: registering the 20,000-file layer again when its DiffID is
 *       given (as an image load or pull does): the store finds the chain, hashes the stream to
 *       verify it and adds a reference. Seconds, one shot.
 *   <li>{@code registerUnknownDiffId}: the same tar without a DiffID: the store cannot know it is
 *       present until it has applied it, so it applies a second copy and throws it away.
 *   <li>{@code get} and {@code list}: {@link LayerStore#get} by ChainID and {@link
 *       LayerStore#layers} with {@code storeLayers} layers in the store (microseconds and milliseconds
 *       per call), with the store's record cache warm. The layers are tiny base layers
 *       registered with {@code durability=none}, which changes nothing in the metadata but makes
 *       the setup affordable: on 2 cores about 20 s (vfs) to a minute (overlay2) for 1,000
 *       layers, one (vfs) to three (overlay2) minutes for 10,000, per benchmark.
 *   <li>{@code load60Layers}: {@code docker load} of an archive of one image of 60 layers (100
 *       files each) through {@link ImageArchives#load}; the image is removed
 *       after each load, outside the timing. Seconds, one shot.
 * </ul>
 * Every reference a benchmark adds is released after it, outside the timing.
 */
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class LayerStoreBenchmark {

  /** A store holding the 20,000-file layer once. */
  @State(Scope.Benchmark)
  public static class Present {
    @Param({"vfs", "overlay2", "btrfs"})
    public String driver;

    StoreHome home;
    Path tar;
    Layer layer;
    Optional<Layer> again = Optional.empty();

    @Setup(Level.Trial)
    public void open() throws IOException {
      tar = LayerTars.standard().smallFiles(LayerTars.SMALL_FILES);
      home = StoreHome.open(driver);
      try (InputStream in = Files.newInputStream(tar)) {
        layer = home.layers().register(in, Optional.empty(), Optional.empty());
      }
    }

    @TearDown(Level.Invocation)
    public void releaseAgain() throws IOException {
      if (again.isPresent()) {
        home.layers().release(again.get().chainId());
        again = Optional.empty();
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      if (home != null) {
        home.close();
      }
    }
  }

  /** A store of {@code storeLayers} tiny base layers. */
  @State(Scope.Benchmark)
  public static class Many {
    @Param({"vfs", "overlay2", "btrfs"})
    public String driver;

    @Param({"1000", "10000"})
    public int storeLayers;

    StoreHome home;
    ChainId[] chainIds;
    int next;

    @Setup(Level.Trial)
    public void open() throws IOException {
      home = StoreHome.open(driver, Map.of("durability", "none"));
      chainIds = new ChainId[storeLayers];
      for (int i = 0; i < storeLayers; i++) {
        chainIds[i] = home.layers().register(new ByteArrayInputStream(TinyLayers.tar(i)), Optional.empty(),
            Optional.empty()).chainId();
      }
      // Fill the record cache: the first pass after registering reads every record from disk
      // (some 2.5 s at 10,000 layers), which a one-second warm-up would otherwise spend alone.
      home.layers().layers();
    }

    /** Layers in a scattered order, so lookups do not walk the cache in insertion order. */
    ChainId nextChainId() {
      next = (next + 7919) % chainIds.length;
      return chainIds[next];
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      if (home != null) {
        home.close();
      }
    }
  }

  /** A store (with images) and the 60-layer archive. */
  @State(Scope.Benchmark)
  public static class Archive {
    @Param({"vfs", "overlay2", "btrfs"})
    public String driver;

    StoreHome home;
    Path archive;
    boolean loaded;

    @Setup(Level.Trial)
    public void open() throws IOException {
      archive = new StackArchives(LayerTars.standard()).stack(60, 100);
      home = StoreHome.open(driver);
    }

    @TearDown(Level.Invocation)
    public void removeImage() throws IOException {
      if (loaded) {
        home.images().remove(StackArchives.TAG, true);
        loaded = false;
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      if (home != null) {
        home.close();
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Layer registerKnownDiffId(Present s) throws IOException {
    try (InputStream in = Files.newInputStream(s.tar)) {
      Layer layer = s.home.layers().register(in, Optional.empty(), Optional.of(s.layer.diffId()));
      s.again = Optional.of(layer);
      return layer;
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Layer registerUnknownDiffId(Present s) throws IOException {
    try (InputStream in = Files.newInputStream(s.tar)) {
      Layer layer = s.home.layers().register(in, Optional.empty(), Optional.empty());
      s.again = Optional.of(layer);
      return layer;
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 1, time = 1)
  @Measurement(iterations = 3, time = 1)
  public Optional<Layer> get(Many s) throws IOException {
    return s.home.layers().get(s.nextChainId());
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1, time = 2)
  @Measurement(iterations = 3, time = 2)
  public List<Layer> list(Many s) throws IOException {
    return s.home.layers().layers();
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public List<Image> load60Layers(Archive s) throws IOException {
    List<Image> images = new ImageArchives(s.home.images()).load(s.archive);
    s.loaded = true;
    return images;
  }
}
