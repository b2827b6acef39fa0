package dev.strata.bench.compare;

import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code createWritable} on an image layer, {@code loops} times a run; only the creations are
 * timed, each writable layer is removed (untimed) before the next, as the C baseline times only its
 * {@code BTRFS_IOC_SNAP_CREATE_V2} and not the delete.
 */
final class SnapshotTrial implements Trial {

  private static final LayerId IMAGE = LayerId.of("snapshot-image");

  private final GraphDriver driver;
  private final int loops;

  private SnapshotTrial(GraphDriver driver, int loops) {
    this.driver = driver;
    this.loops = loops;
  }

  static SnapshotTrial prepare(GraphDriver driver, Path imageTar, int loops) throws IOException {
    try (InputStream in = Files.newInputStream(imageTar)) {
      driver.createReadOnly(IMAGE, Optional.empty(), in);
    }
    return new SnapshotTrial(driver, loops);
  }

  /** The image layer's subvolume, which the baselines snapshot. */
  Path source() {
    return driver.home().resolve("subvolumes").resolve(IMAGE.value());
  }

  @Override
  public long timedNanos(int run) throws IOException {
    long total = 0;
    for (int i = 0; i < loops; i++) {
      LayerId id = LayerId.of("snapshot-" + run + "-" + i);
      long start = System.nanoTime();
      driver.createWritable(id, Optional.of(IMAGE), Map.of());
      total += System.nanoTime() - start;
      driver.remove(id);
    }
    return total;
  }

  @Override
  public void reset(int run) {
    // Every layer was removed in the run.
  }

  @Override
  public void close() throws IOException {
    driver.close();
  }
}
