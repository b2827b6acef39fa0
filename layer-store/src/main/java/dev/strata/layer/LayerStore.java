package dev.strata.layer;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.Change;
import dev.strata.driver.Digest;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.OutOfSpace;
import dev.strata.files.FileTrees;
import dev.strata.tar.Decompression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Content-addressed read-only layers and per-container write layers over one graph driver.
 *
 * <h2>Read-only layers</h2>
 * {@link #register} applies a layer tar on top of a parent and returns the {@link Layer}, known by
 * its {@link ChainId}. Registering content already present on the same parent returns the existing
 * layer (one copy on disk). Every register adds one reference; {@link #release} drops one, and the
 * last release removes the layer and every ancestor no longer referenced or used.
 *
 * <h2>Write layers</h2>
 * {@link #createWriteLayer} gives a container a writable layer on an image's top layer, with an
 * init layer in between that an {@link InitHook} fills. {@link #mount}, {@link #changes}, {@link
 * #diff} and {@link #commit} work on it by container name.
 *
 * <h2>On disk</h2>
 * {@code <root>/image/<driver>/layerdb/sha256/<chain>/{diff,size,cache-id,parent,references,tar-split.gz}}
 * and {@code layerdb/mounts/<container>/{mount-id,init-id,parent,mount-count}}; every file is written to a
 * staging name and renamed, so a crash leaves either the old or the new state, and leftovers are
 * swept on open.
 *
 * <p>Thread-safe. Errors are {@link dev.strata.driver.error.StorageException}s.
 */
public final class LayerStore implements AutoCloseable {

  /** Room kept under the driver's limit for a container's init and write layers. */
  private static final int WRITE_LAYERS = 2;

  private final GraphDriver driver;
  private final String driverReason;
  private final Path root;
  private final Path metadataRoot;
  private final Path tmp;
  private final LayerDb db;
  private final CacheIds ids = new CacheIds();
  private final LayerIndex index;
  private final ContainerLayers containers;
  private final Syncer syncer;
  private final Path driverHome;
  private final boolean recovers;
  private volatile boolean closed;

  private LayerStore(GraphDriver driver, String driverReason, Path root, Syncer syncer, boolean recovers)
      throws IOException {
    this.recovers = recovers;
    this.driver = driver;
    this.driverReason = driverReason;
    this.root = root;
    this.syncer = syncer;
    this.driverHome = root.resolve(driver.name());
    this.metadataRoot = Files.createDirectories(root.resolve("image").resolve(driver.name()));
    this.tmp = Files.createDirectories(root.resolve("tmp"));
    this.db = new LayerDb(Files.createDirectories(metadataRoot.resolve("layerdb")));
    this.index = new LayerIndex(db, driver);
    this.containers = new ContainerLayers(db, index, driver, ids);
  }

  /**
   * Opens (creating if needed) the store at {@code config.root()} and sweeps leftovers of a crash.
   * The storage option {@code durability} ({@code sync}, the default, or {@code none}) is the
   * store's own and is not passed to the driver; see {@link Syncer}.
   *
   * @throws InvalidArgumentException for an unknown {@code durability} value
   */
  public static LayerStore open(LayerStoreConfig config) throws IOException {
    return open(config, Syncer.of(config.storageOptions()), true);
  }

  /** Opens with a given syncer, for tests that record or skip the flush. */
  static LayerStore open(LayerStoreConfig config, Syncer syncer) throws IOException {
    return open(config, syncer, true);
  }

  /**
   * Opens the store without its own crash recovery: {@code tmp/} and driver layers that no layer
   * or container names stay where a crash left them, for {@link LayerAudit} to report (and, asked
   * to, remove). Counted container mounts are restored as by {@link #open}. The driver still sweeps
   * its own home when it opens (stale views, half-built layers).
   */
  public static LayerStore openForAudit(LayerStoreConfig config) throws IOException {
    return open(config, Syncer.of(config.storageOptions()), false);
  }

  private static LayerStore open(LayerStoreConfig config, Syncer syncer, boolean recover) throws IOException {
    GraphDrivers drivers = new GraphDrivers();
    Files.createDirectories(config.root());
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
        new DriverConfig(config.root().resolve(name), driverOptions, config.mounter()));
    try {
      LayerStore store = new LayerStore(driver, reason, config.root(), syncer, recover);
      if (recover) {
        new StoreRecovery(store.db, driver, store.tmp).run();
      }
      store.containers.restoreMounts();
      return store;
    } catch (IOException | RuntimeException e) {
      driver.close();
      throw e;
    }
  }

  /** The driver serving this store. */
  public String driverName() {
    return driver.name();
  }

  /** Key facts for {@code strata info}: driver, why it was chosen, its status, limits. */
  public Map<String, String> status() throws IOException {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("Root", root.toString());
    s.put("Storage Driver", driver.name() + " (" + driverReason + ")");
    driver.status().forEach((k, v) -> s.put(" " + k, v));
    s.put("Capabilities", driver.capabilities().toString());
    s.put("Max Depth", Integer.toString(maxDepth()));
    s.put("Layers", Integer.toString(db.list().size()));
    s.put("Containers", Integer.toString(db.listMounts().size()));
    return s;
  }

  /** {@code <root>/image/<driver>}: where the image store keeps its own metadata. */
  public Path metadataRoot() {
    return metadataRoot;
  }

  /** The deepest image stack accepted (room is kept for the init and write layers). */
  public int maxDepth() {
    return driver.maxDepth() - WRITE_LAYERS;
  }

  /**
   * Applies {@code tar} (plain or compressed) on {@code parent} and adds a reference to the result.
   *
   * @param expectedDiffId when present, the tar must hash to it ({@code CorruptException} otherwise),
   *     and a layer already registered with this chain is returned after verifying the stream
   * @throws NotFoundException if {@code parent} is unknown
   * @throws FailedPreconditionException if the stack would be deeper than {@link #maxDepth()}
   * @throws CorruptException if the tar is broken, hostile or does not match {@code expectedDiffId}
   * @throws FailedPreconditionException if the disk or a quota fills ({@code ENOSPC}, {@code
   *     EDQUOT}); nothing of the layer is kept, and registering again after freeing space works
   */
  public Layer register(InputStream tar, Optional<ChainId> parent, Optional<Digest> expectedDiffId)
      throws IOException {
    try {
      return apply(tar, parent, expectedDiffId);
    } catch (IOException e) {
      throw OutOfSpace.translate(e, root.toString(), "registering a layer");
    }
  }

  private Layer apply(InputStream tar, Optional<ChainId> parent, Optional<Digest> expectedDiffId)
      throws IOException {
    ensureOpen();
    Optional<LayerRecord> parentRecord = parent.isPresent() ? Optional.of(index.record(parent.get())) : Optional.empty();
    int depth = parentRecord.map(r -> r.layer().depth() + 1).orElse(1);
    if (depth > maxDepth()) {
      throw new FailedPreconditionException(parent.map(ChainId::toString).orElse("<base>"),
          "a layer on " + parent.map(ChainId::toString).orElse("nothing") + " would make a stack of "
              + depth + " layers; " + driver.name() + " allows at most " + maxDepth());
    }
    if (expectedDiffId.isPresent()) {
      Optional<Layer> existing = retainExisting(ChainId.of(parent, expectedDiffId.get()), tar, expectedDiffId.get());
      if (existing.isPresent()) {
        return existing.get();
      }
    }
    index.pin(parent);
    LayerId cacheId = ids.next("");
    Path staging = db.newStagingDir();
    boolean published = false;
    try {
      ApplyResult applied;
      try (InputStream plain = Decompression.open(tar);
          OutputStream record = Files.newOutputStream(staging.resolve(LayerDb.TAR_SPLIT))) {
        TarSplitRecorder recorder = new TarSplitRecorder(plain, record);
        applied = driver.createReadOnly(cacheId, parentRecord.map(LayerRecord::cacheId), recorder);
        recorder.finish();
      }
      if (expectedDiffId.isPresent() && !expectedDiffId.get().equals(applied.diffId())) {
        throw new CorruptException(expectedDiffId.get().toString(), "layer content hashes to "
            + applied.diffId() + ", not the expected DiffID " + expectedDiffId.get());
      }
      ChainId chainId = ChainId.of(parent, applied.diffId());
      Layer layer = new Layer(chainId, applied.diffId(), parent, applied.size(), depth);
      LayerRecord record = new LayerRecord(layer, cacheId, 1);
      db.stage(record, staging);
      // Content before the rename that publishes it: the layer's files (driver home) and its
      // staged record and tar-split reach the disk, then the rename makes the layer exist.
      // Outside the index lock: a flush can take seconds and other layers may register meanwhile.
      syncer.sync(driverHome);
      syncer.sync(staging);
      synchronized (index) {
        Optional<LayerRecord> existing = index.cached(chainId);
        if (existing.isPresent()) {
          index.setReferences(existing.get(), existing.get().references() + 1);
          return existing.get().layer();
        }
        index.publish(record, staging);
        published = true;
        return layer;
      }
    } finally {
      index.unpin(parent);
      if (!published) {
        FileTrees.delete(staging);
        if (driver.exists(cacheId)) {
          driver.remove(cacheId);
        }
      }
    }
  }

  public Optional<Layer> get(ChainId chainId) throws IOException {
    ensureOpen();
    return index.cached(chainId).map(LayerRecord::layer);
  }

  /** Every registered layer. */
  public List<Layer> layers() throws IOException {
    ensureOpen();
    List<Layer> out = new ArrayList<>();
    for (ChainId id : db.list()) {
      index.cached(id).ifPresent(r -> out.add(r.layer()));
    }
    return out;
  }

  /** Current references of a layer (registers and retains minus releases). */
  public int references(ChainId chainId) throws IOException {
    ensureOpen();
    return index.record(chainId).references();
  }

  /** Adds a reference to an existing layer. */
  public void retain(ChainId chainId) throws IOException {
    ensureOpen();
    synchronized (index) {
      LayerRecord r = index.record(chainId);
      index.setReferences(r, r.references() + 1);
    }
  }

  /**
   * Drops a reference; returns the layers removed as a result (the layer and ancestors no longer
   * referenced, used by a child or under a write layer), top first.
   *
   * @throws FailedPreconditionException if the layer holds no reference
   */
  public List<ChainId> release(ChainId chainId) throws IOException {
    ensureOpen();
    synchronized (index) {
      LayerRecord r = index.record(chainId);
      if (r.references() == 0) {
        throw new FailedPreconditionException(chainId.toString(), "layer " + chainId + " holds no reference to release");
      }
      index.setReferences(r, r.references() - 1);
      return index.collect(Optional.of(chainId));
    }
  }

  /**
   * Writes the layer's tar: the very bytes it was registered from, rebuilt from its tar-split
   * record and verified against the DiffID before a byte is written.
   *
   * @throws CorruptException if the data on disk no longer matches the DiffID
   */
  public void export(ChainId chainId, OutputStream out) throws IOException {
    ensureOpen();
    LayerRecord r = index.record(chainId);
    Path split = db.tarSplit(chainId).orElseThrow(() -> new CorruptException(chainId.toString(),
        "layer " + chainId + " has no tar-split record to export from"));
    Path view = driver.mount(r.cacheId());
    try {
      new LayerExporter(chainId.toString(), r.layer().diffId()).export(split, view, out);
    } finally {
      driver.unmount(r.cacheId());
    }
  }

  /**
   * Creates a container's write layer on {@code parent}, with an init layer beneath it that
   * {@code init} fills.
   *
   * @throws InvalidArgumentException for a name that breaks Docker's container-name rule
   * @throws AlreadyExistsException if the container already has a write layer
   */
  public WriteLayer createWriteLayer(String container, Optional<ChainId> parent, InitHook init,
      Map<String, String> storageOptions) throws IOException {
    ensureOpen();
    return containers.create(container, parent, init, storageOptions);
  }

  public Optional<WriteLayer> writeLayer(String container) throws IOException {
    ensureOpen();
    return containers.find(container);
  }

  public List<WriteLayer> writeLayers() throws IOException {
    ensureOpen();
    return containers.all();
  }

  /** Mounts the container's root filesystem (reference counted) and returns its path. */
  public Path mount(String container) throws IOException {
    ensureOpen();
    return containers.mount(container);
  }

  /**
   * Drops one mount reference of the container's root filesystem; the last unmounts it.
   *
   * @throws FailedPreconditionException if it is not mounted
   */
  public void unmount(String container) throws IOException {
    ensureOpen();
    containers.unmount(container);
  }

  /**
   * Current mount references of the container's root filesystem. They are persisted, so a mount
   * made by one process (a {@code strata mount}) is still counted, and still mounted, in the next.
   */
  public int mountCount(String container) throws IOException {
    ensureOpen();
    return containers.mountCount(container);
  }

  /** The container's changes against its image, init layer excluded. */
  public List<Change> changes(String container) throws IOException {
    return driver.changes(mountId(container));
  }

  /** Writes the container's changes as a layer tar; returns content bytes. */
  public long diff(String container, OutputStream out) throws IOException {
    return driver.diff(mountId(container), out);
  }

  /** Bytes of content the container has written (its diff size). */
  public long size(String container) throws IOException {
    return driver.diffSize(mountId(container));
  }

  /**
   * Registers the container's diff as a new read-only layer on its image (one reference).
   *
   * @throws FailedPreconditionException if the disk or a quota fills while the diff is written or
   *     applied; the container is unchanged and nothing of the new layer is kept
   */
  public Layer commit(String container) throws IOException {
    WriteLayer w = writeLayer(container).orElseThrow(() -> ContainerLayers.notFound(container));
    Path tar = Files.createTempFile(tmp, "commit-", ".tar");
    try {
      try (OutputStream out = Files.newOutputStream(tar)) {
        driver.diff(LayerId.of(w.mountId()), out);
      }
      try (InputStream in = Files.newInputStream(tar)) {
        return apply(in, w.parent(), Optional.empty()); // untranslated, so a full disk names the container
      }
    } catch (IOException e) {
      throw OutOfSpace.translate(e, root.toString(), "committing container " + container);
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  /**
   * Crash recovery for the owner of the durable references (the image store, on open): lowers each
   * layer's count to what {@code durable} says it holds (0 when absent) where it records more, and
   * removes every layer left with no reference and nothing on it. An operation killed between
   * taking a reference and handing it to an image leaves such a count; a release killed part way
   * down a stack leaves such layers. Like the rest of the recovery on
   * open, it assumes no other process works on the root meanwhile. Does nothing on a store
   * {@linkplain #openForAudit opened for audit}, which reports such counts instead.
   *
   * @return the layers removed, top first within each stack
   */
  public List<ChainId> dropStaleReferences(Map<ChainId, Integer> durable) throws IOException {
    ensureOpen();
    return recovers ? new StaleReferences(db, index).drop(durable) : List.of();
  }

  /**
   * Removes the container's write and init layers, then any layer beneath that nothing holds.
   *
   * @throws FailedPreconditionException if the container's root filesystem is mounted
   */
  public void removeWriteLayer(String container) throws IOException {
    ensureOpen();
    containers.remove(container);
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      driver.close();
    }
  }

  private Optional<Layer> retainExisting(ChainId chainId, InputStream tar, Digest expected) throws IOException {
    synchronized (index) {
      if (index.cached(chainId).isEmpty()) {
        return Optional.empty();
      }
      index.pin(Optional.of(chainId));
    }
    try {
      Digest actual = LayerExporter.digestOf(Decompression.open(tar));
      if (!actual.equals(expected)) {
        throw new CorruptException(expected.toString(),
            "layer content hashes to " + actual + ", not the expected DiffID " + expected);
      }
      synchronized (index) {
        LayerRecord r = index.record(chainId);
        index.setReferences(r, r.references() + 1);
        return Optional.of(r.layer());
      }
    } finally {
      index.unpin(Optional.of(chainId));
    }
  }

  private LayerId mountId(String container) throws IOException {
    ensureOpen();
    return containers.mountId(container);
  }

  // For LayerAudit, which reads and repairs the store's records below the public API.
  LayerDb db() {
    ensureOpen();
    return db;
  }

  GraphDriver driver() {
    ensureOpen();
    return driver;
  }

  LayerIndex index() {
    return index;
  }

  Path tmp() {
    return tmp;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("layer store at " + root + " is closed");
    }
  }
}
