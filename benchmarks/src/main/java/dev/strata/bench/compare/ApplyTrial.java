package dev.strata.bench.compare;

import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code GraphDriver.createReadOnly} of one layer tar as a base layer: what {@code tar -x} does,
 * plus the DiffID and the staging rename. The layer is removed after each run.
 */
final class ApplyTrial implements Trial {

  private final GraphDriver driver;
  private final Path tar;

  ApplyTrial(GraphDriver driver, Path tar) {
    this.driver = driver;
    this.tar = tar;
  }

  @Override
  public long timedNanos(int run) throws IOException {
    long start = System.nanoTime();
    try (InputStream in = Files.newInputStream(tar)) {
      driver.createReadOnly(id(run), Optional.empty(), in);
    }
    return System.nanoTime() - start;
  }

  @Override
  public void reset(int run) throws IOException {
    driver.remove(id(run));
  }

  private static LayerId id(int run) {
    return LayerId.of("apply-" + run);
  }

  @Override
  public void close() throws IOException {
    driver.close();
  }
}
