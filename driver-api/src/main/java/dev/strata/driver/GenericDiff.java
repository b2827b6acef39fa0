package dev.strata.driver;

import dev.strata.archive.Change;
import dev.strata.archive.LayerDiffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Diff and changes for drivers without a native differ: mount the layer and its parent and walk
 * both trees. Each view is mounted through the driver, so reference counts stay exact.
 */
final class GenericDiff {

  private GenericDiff() {}

  static long diff(GraphDriver driver, LayerId id, OutputStream out) throws IOException {
    return withViews(driver, id, (lower, upper) -> new LayerDiffer().writeDiff(lower, upper, out));
  }

  static List<Change> changes(GraphDriver driver, LayerId id) throws IOException {
    return withViews(driver, id, (lower, upper) -> new LayerDiffer().changes(lower, upper));
  }

  static long diffSize(GraphDriver driver, LayerId id) throws IOException {
    return withViews(driver, id, (lower, upper) -> new LayerDiffer().diffSize(lower, upper));
  }

  private interface ViewFunction<T> {
    T apply(Optional<Path> lower, Path upper) throws IOException;
  }

  private static <T> T withViews(GraphDriver driver, LayerId id, ViewFunction<T> fn)
      throws IOException {
    Optional<LayerId> parent = driver.info(id).parent();
    Path upper = driver.mount(id);
    try {
      if (parent.isEmpty()) {
        return fn.apply(Optional.empty(), upper);
      }
      Path lower = driver.mount(parent.get());
      try {
        return fn.apply(Optional.of(lower), upper);
      } finally {
        driver.unmount(parent.get());
      }
    } finally {
      driver.unmount(id);
    }
  }
}
