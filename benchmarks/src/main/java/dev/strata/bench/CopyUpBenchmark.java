package dev.strata.bench;

import dev.strata.bench.fixture.DriverHome;
import dev.strata.bench.fixture.Teardown;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
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
 * The first change a container makes to a file of its image, through the mounted rootfs: {@code
 * firstWrite} writes 4 bytes at offset 0 of a {@code size}-byte file (open, write, close; no
 * fsync), {@code chmodOnly} changes only its mode. On overlay2 both copy the file up into the
 * upper dir (without {@code metacopy=on} a chmod copies the data too); on xfs the kernel clones the
 * data rather than copying it, so size matters less than the inode work. vfs and btrfs layers are
 * already full copies (reflinked, or a snapshot): their "copy-up" is the filesystem's own
 * copy-on-write of one block, the comparison point.
 *
 * <p>Every invocation needs a file nobody has touched: the image layer holds {@link #copies} copies
 * of it and each invocation takes the next; when they run out, the per-invocation setup replaces
 * the container's writable layer with a fresh one (unmeasured). The image's files are fsynced when
 * written, so no invocation pays for their writeback. Caches are warm.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CopyUpBenchmark {

  private static final long IMAGE_BYTES = 256L << 20;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  @Param({"vfs", "overlay2", "btrfs"})
  public String driver;

  /** 4 KiB, 1 MiB, 100 MiB. */
  @Param({"4096", "1048576", "104857600"})
  public int size;

  private DriverHome home;
  private GraphDriver graph;
  private final LayerId image = LayerId.of("image");
  private LayerId container;
  private Path rootfs;
  private int copies;
  private int containers;
  private int next;
  private Path file;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    home = DriverHome.open(driver);
    try {
      graph = home.driver();
      // About 256 MiB of image: enough files that a fresh container is needed rarely, 4 at least.
      copies = (int) Math.max(4, Math.min(256, IMAGE_BYTES / size));
      // A writable base filled through its view, then given a child, is a read-only image layer
      // on every driver (overlay2 marks it committed), without a tar of copies * size bytes.
      graph.createWritable(image, Optional.empty(), Map.of());
      writeImage(graph.mount(image));
      graph.unmount(image);
      newContainer();
    } catch (IOException | RuntimeException e) {
      Teardown.close(home);
      throw e;
    }
  }

  private void writeImage(Path view) throws IOException {
    Path dir = Files.createDirectory(view.resolve("copyup"));
    byte[] block = new byte[Math.min(size, 1 << 20)];
    new SplittableRandom(size).nextBytes(block);
    for (int i = 0; i < copies; i++) {
      try (FileChannel ch = FileChannel.open(dir.resolve("c" + i),
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (long left = size; left > 0; left -= block.length) {
          ch.write(ByteBuffer.wrap(block, 0, (int) Math.min(block.length, left)));
        }
        ch.force(true);
      }
    }
  }

  private void newContainer() throws IOException {
    container = LayerId.of("container-" + containers++);
    graph.createWritable(container, Optional.of(image), Map.of());
    rootfs = graph.mount(container);
    next = 0;
  }

  @Setup(Level.Invocation)
  public void nextFile() throws IOException {
    if (next == copies) {
      graph.unmount(container);
      graph.remove(container);
      newContainer();
    }
    file = rootfs.resolve("copyup/c" + next++);
  }

  @Benchmark
  public Path firstWrite() throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'c', 'o', 'w', '\n'}), 0);
    }
    return file;
  }

  @Benchmark
  public Path chmodOnly() throws IOException {
    Files.setPosixFilePermissions(file, OWNER_ONLY);
    return file;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Teardown.close(home);
  }
}
