package dev.strata.bench;

import dev.strata.bench.fixture.StoreHome;
import dev.strata.bench.fixture.TinyLayers;
import dev.strata.container.ContainerStore;
import dev.strata.driver.Mounter;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.usage.StoreUsage;
import dev.strata.usage.UsageReport;
import dev.strata.volume.VolumeStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * {@code strata system df}'s {@link StoreUsage#report} in a warm process, over 1,000 images on
 * 5,000 layers (target: 100 ms per call). The store is 250 groups of 4 images: each group shares a
 * chain of 4 layers, and each image adds 4 layers of its own on it (depth 8), so every image has
 * shared and unique bytes. No containers: a container's write layer is measured on each call (its
 * diff), which is the driver's diff cost, benchmarked by {@link DiffBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StoreUsageBenchmark {

  private static final int GROUPS = 250;
  private static final int IMAGES_PER_GROUP = 4;
  private static final int SHARED = 4;
  private static final int OWN = 4;

  /** The report reads records only; the driver just holds the fixture's layers. */
  @Param({"overlay2"})
  public String driver;

  private StoreHome home;
  private VolumeStore volumes;
  private StoreUsage usage;
  private final List<ChainId> registered = new ArrayList<>();

  @Setup(Level.Trial)
  public void build() throws IOException {
    home = StoreHome.open(driver, Map.of("durability", "none"));
    int next = 0;
    for (int g = 0; g < GROUPS; g++) {
      List<Layer> shared = new ArrayList<>();
      for (int s = 0; s < SHARED; s++) {
        shared.add(register(next++, shared.isEmpty() ? Optional.empty() : Optional.of(last(shared).chainId())));
      }
      for (int i = 0; i < IMAGES_PER_GROUP; i++) {
        List<Layer> stack = new ArrayList<>(shared);
        for (int o = 0; o < OWN; o++) {
          stack.add(register(next++, Optional.of(last(stack).chainId())));
        }
        String diffIds = stack.stream().map(l -> "\"" + l.diffId() + "\"").collect(Collectors.joining(","));
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
            + "\"config\":{\"Labels\":{\"n\":\"" + (g * IMAGES_PER_GROUP + i) + "\"}},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}";
        home.images().add(config.getBytes(StandardCharsets.UTF_8), List.of("bench/img" + g + ":" + i));
      }
    }
    for (ChainId id : registered) {
      home.layers().release(id);
    }
    Path root = home.layers().metadataRoot().getParent().getParent();
    volumes = VolumeStore.open(root, Mounter.system());
    ContainerStore containers = ContainerStore.open(root, home.layers(), home.images(), volumes, Mounter.system());
    usage = new StoreUsage(home.images(), containers, volumes);
    UsageReport check = usage.report();
    if (check.images().total() != GROUPS * IMAGES_PER_GROUP || home.layers().layers().size() != next) {
      throw new IllegalStateException("fixture: " + check.images() + " over " + home.layers().layers().size() + " layers");
    }
  }

  /** Registers tiny layer {@code index}; its registration reference is dropped once the images hold theirs. */
  private Layer register(int index, Optional<ChainId> parent) throws IOException {
    Layer layer = home.layers().register(new ByteArrayInputStream(TinyLayers.tar(index)), parent, Optional.empty());
    registered.add(layer.chainId());
    return layer;
  }

  private static Layer last(List<Layer> stack) {
    return stack.get(stack.size() - 1);
  }

  @Benchmark
  public UsageReport report() throws IOException {
    return usage.report();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    if (volumes != null) {
      volumes.close();
    }
    if (home != null) {
      home.close();
    }
  }
}
