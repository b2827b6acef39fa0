package dev.strata.bench;

import dev.strata.bench.fixture.ChangedFiles;
import dev.strata.bench.fixture.CountingOutputStream;
import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.LayerTars;
import dev.strata.driver.Change;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
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
 * A container's changes over a 20,000-file image: a writable layer on the small-files layer with
 * {@code changes} files rewritten, then
 * <ul>
 *   <li>{@code diff}: {@link GraphDriver#diff} into a counting sink (the layer tar a commit writes,
 *       without the disk);
 *   <li>{@code changes}: {@link GraphDriver#changes} ({@code docker diff}).
 * </ul>
 * overlay2 reads its upper directory ({@code Capability.NATIVE_DIFF}), so its cost follows the
 * number of changes; vfs and btrfs run the generic differ over the mounted layer and parent, which
 * walks both whole trees whatever changed. Scores are milliseconds per call. Neither call changes
 * the layer, so one layer serves the whole trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@State(Scope.Benchmark)
public class DiffBenchmark {

  private static final LayerId IMAGE = LayerId.of("image");
  private static final LayerId CONTAINER = LayerId.of("container");

  @Param({"vfs", "overlay2", "btrfs"})
  public String driver;

  @Param({"10", "1000", "10000"})
  public int changes;

  private DriverHome home;

  @Setup(Level.Trial)
  public void open() throws IOException {
    Path image = LayerTars.standard().smallFiles(LayerTars.SMALL_FILES);
    home = DriverHome.open(driver);
    GraphDriver d = home.driver();
    try (InputStream in = Files.newInputStream(image)) {
      d.createReadOnly(IMAGE, Optional.empty(), in);
    }
    d.createWritable(CONTAINER, Optional.of(IMAGE), Map.of());
    Path root = d.mount(CONTAINER);
    try {
      ChangedFiles.rewrite(root, LayerTars.SMALL_FILES, changes);
    } finally {
      d.unmount(CONTAINER);
    }
  }

  /** Returns the diff's content bytes; the sink's count is the tar's length. */
  @Benchmark
  public long diff() throws IOException {
    CountingOutputStream sink = new CountingOutputStream();
    home.driver().diff(CONTAINER, sink);
    return sink.count();
  }

  @Benchmark
  public List<Change> changes() throws IOException {
    return home.driver().changes(CONTAINER);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    if (home != null) {
      home.close();
    }
  }
}
