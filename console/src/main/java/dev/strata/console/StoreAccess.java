package dev.strata.console;

import dev.strata.check.CheckOptions;
import dev.strata.check.CheckReport;
import dev.strata.check.StoreCheck;
import dev.strata.files.StoreLock;
import dev.strata.layer.LayerStoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the console reaches the root: it opens the stores for each request and closes them after
 * (see {@link OpenStores}), runs {@code check} the way {@code strata check} does, and reads the
 * generations that tell when another process changed the records.
 */
final class StoreAccess {

  private final LayerStoreConfig config;

  StoreAccess(LayerStoreConfig config) {
    this.config = config;
  }

  OpenStores open() throws IOException {
    return OpenStores.open(config);
  }

  /** The {@code check} report without repairs; refused as busy while another process has the root open. */
  CheckReport check() throws IOException {
    return new StoreCheck(config, config.mounter()).run(CheckOptions.report());
  }

  /**
   * The generations of the records lock and of the volumes' lock, read without locking: they move
   * whenever a process may have changed images, layers, containers or volumes (opening the stores
   * alone moves them too, see {@link ChangeWatch}).
   */
  String generation() throws IOException {
    return generationOf(config.root().resolve("locks").resolve("records")) + "."
        + generationOf(config.root().resolve("volumes").resolve(".lock"));
  }

  private static long generationOf(Path lockFile) throws IOException {
    // A root no store has opened yet has no lock file; creating one here would write to it.
    if (!Files.exists(lockFile)) {
      return 0;
    }
    try (StoreLock lock = StoreLock.at(lockFile)) {
      return lock.generation();
    }
  }
}
