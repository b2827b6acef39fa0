package dev.strata.bench.compare;

import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code GraphDriver.diff} of a container's writable layer: an image layer of small files, and a
 * writable layer on it in which every other file was rewritten (so its upper holds half the
 * image's files, copied up). The diff is written to {@code /dev/null} through real writes, as
 * {@code tar -c | cat > /dev/null} writes it through a pipe.
 */
final class DiffTrial implements Trial {

  private static final LayerId IMAGE = LayerId.of("diff-image");
  private static final LayerId CONTAINER = LayerId.of("diff-container");

  private final GraphDriver driver;

  private DiffTrial(GraphDriver driver) {
    this.driver = driver;
  }

  /** Applies {@code imageTar}, then rewrites every {@code every}-th regular file in the container. */
  static DiffTrial prepare(GraphDriver driver, Path imageTar, int every) throws IOException {
    try (InputStream in = Files.newInputStream(imageTar)) {
      driver.createReadOnly(IMAGE, Optional.empty(), in);
    }
    driver.createWritable(CONTAINER, Optional.of(IMAGE), Map.of());
    Path root = driver.mount(CONTAINER);
    try {
      SplittableRandom random = new SplittableRandom(every);
      int[] seen = {0};
      try (var files = Files.walk(root)) {
        for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
          if (seen[0]++ % every == 0) {
            byte[] data = new byte[512 + random.nextInt(8 * 1024)];
            random.nextBytes(data);
            Files.write(file, data);
          }
        }
      }
    } finally {
      driver.unmount(CONTAINER);
    }
    return new DiffTrial(driver);
  }

  /** The overlay upper holding the container's changes, for {@code tar -c} to read the same files. */
  Path upper() {
    return driver.home().resolve(CONTAINER.value()).resolve("diff");
  }

  @Override
  public long timedNanos(int run) throws IOException {
    long start = System.nanoTime();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of("/dev/null")), 1 << 16)) {
      driver.diff(CONTAINER, out);
    }
    return System.nanoTime() - start;
  }

  @Override
  public void reset(int run) {
    // A diff only reads.
  }

  @Override
  public void close() throws IOException {
    driver.close();
  }
}
