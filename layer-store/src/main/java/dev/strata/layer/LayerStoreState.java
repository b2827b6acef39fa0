package dev.strata.layer;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.driver.ProviderReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link LayerStore}, its {@link WriteLayers} and its {@link LayerAudit} share: one graph
 * driver, one layer database, one {@link LayerIndex} of cached records, the {@link StoreLocks} every
 * process on the root shares, and one closed state. Each of the three reaches the records through
 * this object, so none of them needs accessors on another's public class.
 */
final class LayerStoreState {

  /** Room kept under the driver's limit for a container's init and write layers. */
  private static final int WRITE_LAYERS = 2;

  private final GraphDrivers drivers;
  private final GraphDriver driver;
  private final String driverReason;
  private final Path root;
  private final Path metadataRoot;
  private final Path tmp;
  private final Path driverHome;
  private final LayerDb db;
  private final LayerIndex index;
  private final CacheIds ids = new CacheIds();
  private final Syncer syncer;
  private final boolean recovers;
  private final StoreLocks locks;
  private volatile boolean closed;

  private LayerStoreState(GraphDrivers drivers, GraphDriver driver, String driverReason, Path root, Syncer syncer,
      boolean recovers, StoreLocks locks) throws IOException {
    this.locks = locks;
    this.drivers = drivers;
    this.driver = driver;
    this.driverReason = driverReason;
    this.root = root;
    this.syncer = syncer;
    this.recovers = recovers;
    this.driverHome = root.resolve(driver.name());
    this.metadataRoot = Files.createDirectories(root.resolve("image").resolve(driver.name()));
    this.tmp = Files.createDirectories(root.resolve("tmp"));
    this.db = new LayerDb(Files.createDirectories(metadataRoot.resolve("layerdb")));
    this.index = new LayerIndex(db, driver);
    // Another process published, released or removed layers: read records and driver layers again.
    locks.onChange(() -> {
      index.invalidateAll();
      driver.refresh();
    });
  }

  /**
   * Opens the driver {@code config} names (or the one the root's filesystem suits) and the layer
   * database beside it. Runs no recovery of its own: the store decides whether to.
   *
   * @param recovers whether the store sweeps what a crash left (false when opened for audit)
   * @param sweep whether the driver sweeps its home as it opens: only while no other process has the
   *     store open
   */
  static LayerStoreState open(LayerStoreConfig config, Syncer syncer, boolean recovers, StoreLocks locks,
      boolean sweep) throws IOException {
    GraphDrivers drivers = new GraphDrivers();
    String name;
    String reason;
    if (config.driver().isPresent()) {
      name = config.driver().get();
      GraphDrivers.checkName(name);
      reason = "chosen by configuration";
    } else {
      GraphDrivers.Selection s = drivers.select(config.root());
      name = s.name();
      reason = s.reason();
    }
    Map<String, String> driverOptions = new LinkedHashMap<>(config.storageOptions());
    driverOptions.remove(Syncer.OPTION);
    GraphDriver driver = drivers.open(name,
        new DriverConfig(config.root().resolve(name), driverOptions, config.mounter(), sweep, syncer.flushes()));
    try {
      return new LayerStoreState(drivers, driver, reason, config.root(), syncer, recovers, locks);
    } catch (IOException | RuntimeException e) {
      driver.close();
      throw e;
    }
  }

  GraphDriver driver() {
    return driver;
  }

  /** Every driver provider's probe of this root, or why it failed to load or probe. */
  List<ProviderReport> providers() {
    return drivers.survey(root);
  }

  /** Why the driver serves this root, for {@code strata info}. */
  String driverReason() {
    return driverReason;
  }

  Path root() {
    return root;
  }

  /** {@code <root>/image/<driver>}. */
  Path metadataRoot() {
    return metadataRoot;
  }

  /** {@code <root>/tmp}: where a commit writes its diff and loads and pulls stage. */
  Path tmp() {
    return tmp;
  }

  /** The driver's home, flushed before a layer is published. */
  Path driverHome() {
    return driverHome;
  }

  LayerDb db() {
    return db;
  }

  /** The records as this process caches them; changed only under {@link StoreLocks#records}. */
  LayerIndex index() {
    return index;
  }

  /** The locks every process on the root shares. */
  StoreLocks locks() {
    return locks;
  }

  CacheIds ids() {
    return ids;
  }

  Syncer syncer() {
    return syncer;
  }

  /** False when opened for audit: crash leftovers stay to be reported. */
  boolean recovers() {
    return recovers;
  }

  /** The deepest image stack accepted (room is kept for the init and write layers). */
  int maxDepth() {
    return driver.maxDepth() - WRITE_LAYERS;
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("layer store at " + root + " is closed");
    }
  }

  /** Closes the driver and leaves the store's users once; later calls do nothing. */
  void close() throws IOException {
    if (!closed) {
      closed = true;
      try {
        driver.close();
      } finally {
        locks.close();
      }
    }
  }
}
