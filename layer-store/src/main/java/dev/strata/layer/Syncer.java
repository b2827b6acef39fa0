package dev.strata.layer;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.posix.FileSync;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Makes what a layer store wrote durable before it publishes it. The store calls {@link #sync} on
 * the driver's home (the layer's files) and on the layer database (its tar-split) after the layer
 * is applied and before the metadata naming it is written, so a crash can lose a layer but never
 * publish one whose content is still in the page cache. Chosen by the storage option {@code
 * durability}: {@code sync} (the default) or {@code none}, which skips the flush and trades a
 * layer's durability for speed (a crash may leave a published layer with empty or missing files;
 * {@code strata check} finds them).
 *
 * <p>The same flush makes the driver's own records of the new layers durable: a store that flushes
 * opens its driver with {@link dev.strata.driver.DriverConfig#callerSyncs}, so a driver does not
 * also flush each record on its own (on btrfs that {@code fsync} cost a third of a snapshot).
 */
interface Syncer {

  /** The storage option naming the durability; the store consumes it, drivers never see it. */
  String OPTION = "durability";

  /** Makes everything written on the filesystem holding {@code dir} durable. */
  void sync(Path dir) throws IOException;

  /**
   * Whether {@link #sync} makes the filesystem durable. When it does not, the driver keeps flushing
   * its records itself: a crash may then cost a layer's content, never the driver's record of a
   * published layer.
   */
  default boolean flushes() {
    return true;
  }

  /** One {@code syncfs(2)} per filesystem. */
  static Syncer syncfs() {
    FileSync sync = new FileSync();
    return sync::syncFilesystem;
  }

  static Syncer none() {
    return new Syncer() {
      @Override
      public void sync(Path dir) {}

      @Override
      public boolean flushes() {
        return false;
      }
    };
  }

  /** The syncer {@code options} ask for. */
  static Syncer of(Map<String, String> options) throws InvalidArgumentException {
    return of(options, syncfs());
  }

  /** {@code flush} unless {@code options} ask for {@code durability=none}. */
  static Syncer of(Map<String, String> options, Syncer flush) throws InvalidArgumentException {
    String value = options.getOrDefault(OPTION, "sync");
    return switch (value) {
      case "sync" -> flush;
      case "none" -> none();
      default -> throw new InvalidArgumentException(OPTION, "storage option " + OPTION + "=" + value
          + " is not known; use " + OPTION + "=sync (the default) or " + OPTION + "=none");
    };
  }
}
