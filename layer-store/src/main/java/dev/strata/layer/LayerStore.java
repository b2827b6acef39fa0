package dev.strata.layer;

import dev.strata.driver.Digest;
import dev.strata.driver.ProviderReport;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.OutOfSpace;
import dev.strata.files.StoreUsers;
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
 * Content-addressed read-only layers over one graph driver, and the entry to the containers' write
 * layers on them ({@link #writeLayers()}).
 *
 * <h2>Read-only layers</h2>
 * {@link #register} applies a layer tar on top of a parent and returns the {@link Layer}, known by
 * its {@link ChainId}. Registering content already present on the same parent returns the existing
 * layer (one copy on disk). Every register adds one reference; {@link #release} drops one, and the
 * last release removes the layer and every ancestor no longer referenced or used.
 *
 * <pre>{@code
 * try (LayerStore layers = LayerStore.open(LayerStoreConfig.of(root, "overlay2"))) {
 *   Layer base = layers.register(tar, Optional.empty(), Optional.of(diffId));
 *   layers.export(base.chainId(), out);   // the very bytes registered
 *   layers.release(base.chainId());       // the last reference: the layer goes
 * }
 * }</pre>
 *
 * <h2>Write layers</h2>
 * {@link #writeLayers()} gives the {@link WriteLayers} of this store: a container's writable layer
 * on an image's top layer, with an init layer in between. They share this store's driver, records
 * and lock, and a layer under a write layer is never removed. {@link #audit()} reads the same
 * records below this API, for {@code strata check}.
 *
 * <h2>On disk</h2>
 * {@code <root>/image/<driver>/layerdb/sha256/<chain>/{diff,size,cache-id,parent,references,tar-split.gz,blobs.json}}
 * and {@code layerdb/mounts/<container>/{mount-id,init-id,parent,mount-count}}; every file is written to a
 * staging name and renamed, so a crash leaves either the old or the new state, and leftovers are
 * swept on open.
 *
 * <p>Thread-safe. Errors are {@link dev.strata.driver.error.StorageException}s.
 */
public final class LayerStore implements AutoCloseable {

  /**
   * Layers of one stack applied at once by {@link #registerAll}: the cores, at least two (an apply
   * also waits on the disk) and at most four (each apply has its own writer threads and holds up to
   * 8 MiB of file content in flight).
   */
  private static final int APPLY_PARALLELISM = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private final LayerStoreState state;
  private final LayerRegistrar registrar;
  private final StackRegistrar stacks;
  private final WriteLayers writeLayers;
  private final LayerAudit audit;

  private LayerStore(LayerStoreState state) {
    this.state = state;
    this.registrar = new LayerRegistrar(state);
    this.stacks = new StackRegistrar(state, APPLY_PARALLELISM, this::release);
    this.writeLayers = new WriteLayers(state, registrar);
    this.audit = new LayerAudit(state, writeLayers);
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
   * to, remove). Mount counts are settled against the records as by {@link #open}. The driver
   * still sweeps its own home when it opens (stray mounts, half-built layers). The caller must have the root to
   * itself, no other process using it, as {@code strata check} makes sure ({@link #auditAlone}).
   */
  public static LayerStore openForAudit(LayerStoreConfig config) throws IOException {
    return open(config, Syncer.of(config.storageOptions()), false);
  }

  /**
   * Runs {@code audit} while no other process has the store at {@code root} open, keeping any from
   * opening it meanwhile; {@code audit} opens the store with {@link #openForAudit}. Other processes
   * at work there would show their work in flight as leftovers, which a repair would delete.
   *
   * @throws FailedPreconditionException when other processes have the store open
   */
  public static <T> T auditAlone(Path root, Locked<T> audit) throws IOException {
    List<T> result = new ArrayList<>(1);
    try (StoreUsers users = StoreUsers.join(StoreLocks.usersFile(root))) {
      if (!users.whenAlone(() -> result.add(audit.run()))) {
        throw new FailedPreconditionException(root.toString(), "other processes are using the store at " + root
            + "; check it when they are done (a check now would take their work in flight for leftovers)");
      }
    }
    return result.get(0);
  }

  private static LayerStore open(LayerStoreConfig config, Syncer syncer, boolean recover) throws IOException {
    Files.createDirectories(config.root());
    StoreLocks locks = recover ? StoreLocks.open(config.root()) : StoreLocks.forAudit(config.root());
    try {
      if (!recover) {
        // The auditor has the root to itself (auditAlone): the driver sweeps, nothing else does.
        return openAlone(config, syncer, false, locks);
      }
      LayerStore[] opened = new LayerStore[1];
      // Alone, the driver sweeps its home, leftovers go and counted mounts come back, all before any
      // other process may open the root; otherwise others' work in flight stays untouched.
      boolean alone = locks.whenAlone(() -> opened[0] = openAlone(config, syncer, recover, locks));
      return alone ? opened[0] : new LayerStore(LayerStoreState.open(config, syncer, recover, locks, false));
    } catch (IOException | RuntimeException e) {
      locks.close();
      throw e;
    }
  }

  private static LayerStore openAlone(LayerStoreConfig config, Syncer syncer, boolean recover, StoreLocks locks)
      throws IOException {
    LayerStoreState state = LayerStoreState.open(config, syncer, recover, locks, true);
    try {
      LayerStore store = new LayerStore(state);
      // Counts first: a layer a dead process built and mounted (a create's init layer) is still
      // counted, and a driver refuses to remove a mounted layer.
      store.writeLayers.settleMounts();
      if (recover) {
        new StoreRecovery(state.db(), state.driver(), state.tmp()).run();
      }
      return store;
    } catch (IOException | RuntimeException e) {
      state.driver().close();
      throw e;
    }
  }

  /** Work done holding the record lock ({@link #withRecordsLocked}). */
  @FunctionalInterface
  public interface Locked<T> {
    T run() throws IOException;
  }

  /** Crash recovery of a store built on this one ({@link #whenAlone}). */
  @FunctionalInterface
  public interface Recovery {
    void run() throws IOException;
  }

  /**
   * Runs {@code work} holding the lock that every process working on this root takes around changes
   * to its records: this store's, and those of the stores built on it (images, tags, containers).
   * Re-entrant within a thread. The caches registered with {@link #onRecordsChanged} are dropped
   * first when another process changed the records meanwhile.
   */
  public <T> T withRecordsLocked(Locked<T> work) throws IOException {
    state.ensureOpen();
    try (var held = state.locks().records()) {
      return work.run();
    }
  }

  /**
   * Registers how a store built on this one drops what it cached of the records, for when another
   * process changed them: before the next {@link #withRecordsLocked} or {@link #refreshRecords}.
   */
  public void onRecordsChanged(Runnable dropCaches) {
    state.locks().onChange(dropCaches::run);
  }

  /** Drops the registered caches (this store's too) if another process changed the records. */
  public void refreshRecords() throws IOException {
    state.ensureOpen();
    state.locks().refreshIfChanged();
  }

  /**
   * Runs the crash recovery of a store built on this one (sweeping what an interrupted process
   * left) only while no other process has the root open, so that nothing another one is building is
   * taken for a leftover; returns whether it ran. On a store opened for audit, whose caller has the
   * root to itself, it always runs.
   */
  public boolean whenAlone(Recovery recovery) throws IOException {
    state.ensureOpen();
    if (!state.recovers()) {
      recovery.run();
      return true;
    }
    return state.locks().whenAlone(recovery::run);
  }

  /** The driver serving this store. */
  public String driverName() {
    return state.driver().name();
  }

  /**
   * Key facts for {@code strata info}: driver, why it was chosen, its status, limits, and every
   * driver provider found with its probe of this root (or why it failed to load or to probe).
   */
  public Map<String, String> status() throws IOException {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("Root", state.root().toString());
    s.put("Storage Driver", state.driver().name() + " (" + state.driverReason() + ")");
    state.driver().status().forEach((k, v) -> s.put(" " + k, v));
    s.put("Capabilities", state.driver().capabilities().toString());
    s.put("Max Depth", Integer.toString(maxDepth()));
    List<ProviderReport> providers = state.providers();
    long failed = providers.stream().filter(p -> p.state() == ProviderReport.State.LOAD_FAILED).count();
    s.put("Drivers", (providers.size() - failed) + " loaded" + (failed == 0 ? "" : ", " + failed + " failed to load"));
    for (ProviderReport p : providers) {
      // Two spaces: below "Drivers", and never the key of a line of the driver's own status.
      s.put("  " + p.provider(), p.describe());
    }
    s.put("Layers", Integer.toString(state.db().list().size()));
    s.put("Containers", Integer.toString(state.db().listMounts().size()));
    return s;
  }

  /** {@code <root>/image/<driver>}: where the image store keeps its own metadata. */
  public Path metadataRoot() {
    return state.metadataRoot();
  }

  /** The deepest image stack accepted (room is kept for the init and write layers). */
  public int maxDepth() {
    return state.maxDepth();
  }

  /**
   * The containers' write layers on this store's layers. Valid while this store is open.
   */
  public WriteLayers writeLayers() {
    state.ensureOpen();
    return writeLayers;
  }

  /**
   * The store's records as {@code strata check} reads and repairs them. Open the store with
   * {@link #openForAudit} to see what a crash left behind.
   */
  public LayerAudit audit() {
    state.ensureOpen();
    return audit;
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
      return registrar.apply(tar, parent, expectedDiffId);
    } catch (IOException e) {
      throw OutOfSpace.translate(e, state.root().toString(), "registering a layer");
    }
  }

  /**
   * Registers a stack of layers on {@code base}, bottom first, all or nothing, and adds one
   * reference to its top; each layer below is held by its child (a {@link #release} of the top
   * removes, as ever, every layer left unreferenced and unused). A failure anywhere leaves no new
   * layer and every existing one with the references it had. A layer registered already is
   * referenced again without reading its tar (the caller has checked its blobs). Where the driver
   * declares {@link dev.strata.driver.Capability#INDEPENDENT_LAYERS} the new layers are applied side
   * by side, a few at a time; elsewhere one after another. Either way they are flushed once and
   * published bottom-up, so no layer is ever visible before its parent.
   *
   * @return the stack's layers, bottom first; empty for an empty stack, which takes no reference
   * @throws NotFoundException if {@code base} is unknown
   * @throws FailedPreconditionException if the stack would be deeper than {@link #maxDepth()}, or
   *     the disk or a quota fills
   * @throws CorruptException if a tar is broken, hostile or does not match its DiffID (as the
   *     layer's {@link StackLayer#explain} words it; the lowest such layer when several are)
   */
  public List<Layer> registerAll(Optional<ChainId> base, List<StackLayer> stack) throws IOException {
    try {
      return stacks.register(base, stack);
    } catch (IOException e) {
      throw OutOfSpace.translate(e, state.root().toString(), "registering layers");
    }
  }

  /** The layer {@code chainId}; empty when it is not registered. */
  public Optional<Layer> get(ChainId chainId) throws IOException {
    state.ensureOpen();
    state.locks().refreshIfChanged();
    return state.index().cached(chainId).map(LayerRecord::layer);
  }

  /** Every registered layer. */
  public List<Layer> layers() throws IOException {
    state.ensureOpen();
    state.locks().refreshIfChanged();
    List<Layer> out = new ArrayList<>();
    for (ChainId id : state.db().list()) {
      state.index().cached(id).ifPresent(r -> out.add(r.layer()));
    }
    return out;
  }

  /**
   * Current references of a layer (registers and retains minus releases).
   *
   * @throws NotFoundException if the layer is not registered
   */
  public int references(ChainId chainId) throws IOException {
    state.ensureOpen();
    state.locks().refreshIfChanged();
    return state.index().record(chainId).references();
  }

  /**
   * Adds a reference to an existing layer.
   *
   * @throws NotFoundException if the layer is not registered
   */
  public void retain(ChainId chainId) throws IOException {
    state.ensureOpen();
    LayerIndex index = state.index();
    try (var held = state.locks().records()) {
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
    state.ensureOpen();
    LayerIndex index = state.index();
    try (var removing = state.locks().removing(); var held = state.locks().records()) {
      LayerRecord r = index.record(chainId);
      if (r.references() == 0) {
        throw new FailedPreconditionException(chainId.toString(), "layer " + chainId + " holds no reference to release");
      }
      index.setReferences(r, r.references() - 1);
      return index.collect(Optional.of(chainId));
    }
  }

  /**
   * Remembers that layer {@code chainId} was seen as {@code blob}: pulled from a registry, loaded
   * from an archive, or pushed. Kept beside the layer's record, newest first, at most 16 (an older
   * copy of the same blob in the same place is dropped, then the oldest), and gone with the layer.
   * Written atomically and durably; {@link #blobs} reads it back.
   *
   * @throws NotFoundException if the layer is not registered
   */
  public void recordBlob(ChainId chainId, LayerBlob blob) throws IOException {
    state.ensureOpen();
    try (var held = state.locks().recordsAside()) {
      Path dir = state.db().recordDir(chainId);
      if (!Files.isDirectory(dir)) {
        throw new NotFoundException(chainId.toString(), "layer " + chainId + " is not registered");
      }
      LayerBlobs.add(dir, blob);
    } catch (IOException e) {
      throw OutOfSpace.translate(e, state.root().toString(), "recording a blob of layer " + chainId);
    }
  }

  /**
   * The blobs {@link #recordBlob} recorded for layer {@code chainId}, newest first; empty when there
   * are none or the layer is not registered. A damaged record is logged and read as empty: it is
   * only a hint, and a push without it compresses the layer itself.
   */
  public List<LayerBlob> blobs(ChainId chainId) throws IOException {
    state.ensureOpen();
    return LayerBlobs.read(state.db().recordDir(chainId));
  }

  /**
   * Writes the layer's tar: the very bytes it was registered from, rebuilt from its tar-split
   * record and verified against the DiffID before a byte is written.
   *
   * @throws CorruptException if the data on disk no longer matches the DiffID
   */
  public void export(ChainId chainId, OutputStream out) throws IOException {
    state.ensureOpen();
    try (var building = state.locks().building()) {
      state.locks().refreshIfChanged();
      LayerRecord r = state.index().record(chainId);
      Path split = state.db().tarSplit(chainId).orElseThrow(() -> new CorruptException(chainId.toString(),
          "layer " + chainId + " has no tar-split record to export from"));
      Path view = state.driver().mount(r.cacheId());
      try {
        new LayerExporter(chainId.toString(), r.layer().diffId()).export(split, view, out);
      } finally {
        state.driver().unmount(r.cacheId());
      }
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
    state.ensureOpen();
    if (!state.recovers()) {
      return List.of();
    }
    try (var removing = state.locks().removing(); var held = state.locks().records()) {
      return new StaleReferences(state.db(), state.index()).drop(durable);
    }
  }

  /** Closes the driver; the store, its write layers and its audit refuse use afterwards. Idempotent. */
  @Override
  public void close() throws IOException {
    state.close();
  }
}
