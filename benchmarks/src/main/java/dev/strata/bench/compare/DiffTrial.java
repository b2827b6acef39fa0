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
 *
 * <p>On overlay2 that is the native diff of the layer's upper against the parent's view. On vfs
 * and btrfs it is the generic differ ({@code LayerDiffer}) comparing the container's whole tree
 * with the image's; for {@code tar -c} to read the same changed files there, the rewritten files
 * are also written, with the same bytes, into {@code HOME-upper} beside the home, laid out as an
 * overlay upper would hold them.
 */
final class DiffTrial implements Trial {

  private static final LayerId IMAGE = LayerId.of("diff-image");
  private static final LayerId CONTAINER = LayerId.of("diff-container");

  private final GraphDriver driver;
  private final Path upper;

  private DiffTrial(GraphDriver driver, Path upper) {
    this.driver = driver;
    this.upper = upper;
  }

  /** Applies {@code imageTar}, then rewrites every {@code every}-th regular file in the container. */
  static DiffTrial prepare(GraphDriver driver, Path imageTar, int every) throws IOException {
    try (InputStream in = Files.newInputStream(imageTar)) {
      driver.createReadOnly(IMAGE, Optional.empty(), in);
    }
    driver.createWritable(CONTAINER, Optional.of(IMAGE), Map.of());
    Path overlayUpper = driver.home().resolve(CONTAINER.value()).resolve("diff");
    Path upper = driver.name().equals("overlay2") ? overlayUpper
        : driver.home().resolveSibling(driver.home().getFileName() + "-upper");
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
            if (!upper.equals(overlayUpper)) {
              Path copy = upper.resolve(root.relativize(file));
              Files.createDirectories(copy.getParent());
              Files.write(copy, data);
            }
          }
        }
      }
    } finally {
      driver.unmount(CONTAINER);
    }
    return new DiffTrial(driver, upper);
  }

  /** The overlay upper holding the container's changes (or its copy), for {@code tar -c} to read the same files. */
  Path upper() {
    return upper;
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
