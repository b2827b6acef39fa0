package dev.strata.bench.compare;

import dev.strata.bench.fixture.LayerTars;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.Mount;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code mount} + {@code unmount} of a container's writable layer over a deep stack, {@code loops}
 * times a run. The mount the driver describes is written to a spec file (target, then one option a
 * line) so that the C baseline performs exactly the same mount of the same directories.
 */
final class MountTrial implements Trial {

  private static final LayerId CONTAINER = LayerId.of("mount-container");
  private static final int FILES_PER_LAYER = 10;

  private final GraphDriver driver;
  private final int loops;

  private MountTrial(GraphDriver driver, int loops) {
    this.driver = driver;
    this.loops = loops;
  }

  /** Builds {@code depth - 1} read-only layers and the writable layer on top of them. */
  static MountTrial prepare(GraphDriver driver, LayerTars tars, int depth, int loops) throws IOException {
    Optional<LayerId> parent = Optional.empty();
    for (int i = 0; i < depth - 1; i++) {
      LayerId id = LayerId.of("mount-" + i);
      try (InputStream in = Files.newInputStream(tars.stackLayer(i, FILES_PER_LAYER))) {
        driver.createReadOnly(id, parent, in);
      }
      parent = Optional.of(id);
    }
    driver.createWritable(CONTAINER, parent, Map.of());
    return new MountTrial(driver, loops);
  }

  /** Writes the target and the options of the one overlay mount the view needs. */
  void writeSpec(Path file) throws IOException {
    Path target = driver.home().resolve(CONTAINER.value()).resolve("merged");
    List<Mount> mounts = driver.mounts(CONTAINER, target);
    if (mounts.size() != 1 || !mounts.get(0).type().equals("overlay")) {
      throw new IOException("expected one overlay mount, the driver describes " + mounts);
    }
    List<String> lines = new ArrayList<>();
    lines.add(mounts.get(0).target().toString());
    lines.addAll(mounts.get(0).options());
    Files.write(file, lines);
  }

  @Override
  public long timedNanos(int run) throws IOException {
    long start = System.nanoTime();
    for (int i = 0; i < loops; i++) {
      driver.mount(CONTAINER);
      driver.unmount(CONTAINER);
    }
    return System.nanoTime() - start;
  }

  @Override
  public void reset(int run) {
    // Every mount was undone in the run.
  }

  @Override
  public void close() throws IOException {
    driver.close();
  }
}
