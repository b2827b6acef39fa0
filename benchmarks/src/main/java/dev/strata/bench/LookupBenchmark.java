package dev.strata.bench;

import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.bench.fixture.SpreadTree;
import dev.strata.bench.fixture.Stacks;
import dev.strata.bench.fixture.Teardown;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
 * {@code lstat} of every one of {@value #FILES} files through a container's mounted rootfs, the
 * files dealt out over {@code layers} image layers ({@link SpreadTree}: the same tree whatever the
 * layer count, every directory merged from every layer). One invocation stats them all; the score
 * is per invocation.
 *
 * <p>The dentry and inode caches are <b>warm</b>: the warm-up iterations have looked every path up
 * already, so this measures the steady state of a running container, where overlay answers from its
 * own cached dentries. A cold lookup (dropping caches needs the whole host's cooperation, and
 * would measure the loop device) walks every lower layer and is not measured here.
 *
 * <p>vfs copies the whole tree into every layer, so 60 layers means 60 copies of a growing tree in
 * setup (minutes); the view itself is flat whatever the count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LookupBenchmark {

  static final int FILES = 100_000;

  @Param({"vfs", "overlay2", "btrfs"})
  public String driver;

  @Param({"1", "60"})
  public int layers;

  private DriverHome home;
  private Path[] paths;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    home = DriverHome.open(driver);
    try {
      GraphDriver graph = home.driver();
      SpreadTree tree = new SpreadTree(LayerTars.standard(), FILES, layers);
      LayerId top = Stacks.build(graph, "image", tree.layerTars());
      LayerId container = LayerId.of("container");
      graph.createWritable(container, Optional.of(top), Map.of());
      Path rootfs = graph.mount(container);
      List<String> relative = tree.paths();
      paths = new Path[relative.size()];
      for (int i = 0; i < paths.length; i++) {
        paths[i] = rootfs.resolve(relative.get(i));
      }
    } catch (IOException | RuntimeException e) {
      Teardown.close(home);
      throw e;
    }
  }

  @Benchmark
  public long statAll() throws IOException {
    long sum = 0;
    for (Path p : paths) {
      sum += Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size() + 1;
    }
    return sum;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Teardown.close(home);
  }
}
