package dev.strata.layer;

import dev.strata.driver.Change;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.OutOfSpace;
import dev.strata.files.StoreLock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Containers' write layers, known by container name: each an init layer (filled by an {@link
 * InitHook}) on an image's top layer, and the writable layer on that. Obtained from {@link
 * LayerStore#writeLayers()}; it shares the store's driver, records and lock, and is closed with it.
 *
 * <pre>{@code
 * WriteLayers writeLayers = layers.writeLayers();
 * writeLayers.create("web", image.top(), InitHook.dockerLike(), Map.of());
 * Path rootfs = writeLayers.mount("web");   // counted: a second mount returns the same path
 * ...                                       // the container runs and writes
 * writeLayers.unmount("web");
 * Layer layer = writeLayers.commit("web");  // its changes as a new read-only layer
 * writeLayers.remove("web");
 * }</pre>
 *
 * <p>On disk: {@code layerdb/mounts/<container>/{mount-id,init-id,parent,mount-count}}. The record
 * is written only once both driver layers exist, and removed before they go, so a crash leaves at
 * worst driver layers that no one names, which the store's recovery on open removes. Thread-safe,
 * and safe with other processes working on the root ({@link StoreLocks}).
 */
public final class WriteLayers {

  /** Docker's rule for container names. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{1,127}");

  private final LayerStoreState state;
  private final LayerRegistrar registrar;
  private final LayerDb db;
  private final LayerIndex index;
  private final GraphDriver driver;

  WriteLayers(LayerStoreState state, LayerRegistrar registrar) {
    this.state = state;
    this.registrar = registrar;
    this.db = state.db();
    this.index = state.index();
    this.driver = state.driver();
  }

  /**
   * Creates a container's write layer on {@code parent}, with an init layer beneath it that
   * {@code init} fills.
   *
   * @param storageOptions the driver's options for the writable layer (a size limit, say)
   * @throws InvalidArgumentException for a name that breaks Docker's container-name rule
   * @throws AlreadyExistsException if the container already has a write layer
   * @throws NotFoundException if {@code parent} is unknown
   */
  public WriteLayer create(String container, Optional<ChainId> parent, InitHook init,
      Map<String, String> storageOptions) throws IOException {
    state.ensureOpen();
    checkName(container);
    // The parent cannot go while this holds the layers lock shared: removals wait for it.
    try (var building = state.locks().building()) {
      state.locks().refreshIfChanged();
      Optional<LayerRecord> parentRecord = parent.isPresent() ? Optional.of(index.record(parent.get())) : Optional.empty();
      LayerId initId = state.ids().next("-init");
      LayerId mountId = state.ids().next("");
      try (var held = state.locks().records()) {
        refuseExisting(container);
      }
      boolean done = false;
      try {
        driver.createWritable(initId, parentRecord.map(LayerRecord::cacheId), Map.of());
        Path initRoot = driver.mount(initId);
        try {
          init.populate(initRoot);
        } finally {
          driver.unmount(initId);
        }
        driver.createWritable(mountId, Optional.of(initId), storageOptions);
        // The layers' files before the record that names them, as for a registered layer: vfs's
        // write layer is a copy of the image, which a power cut after the record would leave as
        // empty or zero-filled files under a container that looks whole. The same flush makes the
        // driver's records of both layers durable (it was opened with callerSyncs): one syncfs
        // for the pair instead of a log commit per layer.
        state.syncer().sync(state.driverHome());
        WriteLayer w = new WriteLayer(container, parent, mountId.value(), initId.value());
        try (var held = state.locks().records()) {
          refuseExisting(container);
          db.createMount(w);
        }
        done = true;
        return w;
      } finally {
        if (!done) {
          removeIfPresent(mountId);
          removeIfPresent(initId);
        }
      }
    }
  }

  /** The container's write layer; empty when it has none (or the name could not be a container's). */
  public Optional<WriteLayer> get(String container) throws IOException {
    state.ensureOpen();
    state.locks().refreshIfChanged();
    return NAME.matcher(container).matches() ? db.readMount(container) : Optional.empty();
  }

  /** Every container's write layer. */
  public List<WriteLayer> list() throws IOException {
    state.ensureOpen();
    state.locks().refreshIfChanged();
    List<WriteLayer> out = new ArrayList<>();
    for (String name : db.listMounts()) {
      db.readMount(name).ifPresent(out::add);
    }
    return out;
  }

  /**
   * Mounts the container's root filesystem (reference counted) and returns its path.
   *
   * @throws NotFoundException if the container has no write layer
   */
  public Path mount(String container) throws IOException {
    try (var held = lockRecords()) {
      LayerId id = mountId(container);
      int count = db.mountCount(container);
      Path rootfs = driver.mount(id);
      try {
        db.writeMountCount(container, count + 1);
      } catch (IOException e) {
        driver.unmount(id);
        throw e;
      }
      return rootfs;
    }
  }

  /**
   * Drops one mount reference of the container's root filesystem; the last unmounts it.
   *
   * @throws FailedPreconditionException if it is not mounted
   */
  public void unmount(String container) throws IOException {
    try (var held = lockRecords()) {
      LayerId id = mountId(container);
      int count = db.mountCount(container);
      if (count == 0) {
        throw new FailedPreconditionException(container, "container " + container + " is not mounted");
      }
      // Persist first: a crash after this leaves a mount that the next open sweeps, never a count
      // that claims a view the driver no longer has.
      db.writeMountCount(container, count - 1);
      driver.unmount(id);
    }
  }

  /**
   * Current mount references of the container's root filesystem. They are persisted, so a mount
   * made by one process (a {@code strata mount}) is still counted, and still mounted, in the next.
   */
  public int mountCount(String container) throws IOException {
    mountId(container);
    return db.mountCount(container);
  }

  /** The container's changes against its image, init layer excluded. */
  public List<Change> changes(String container) throws IOException {
    try (var building = state.locks().building()) {
      return driver.changes(mountId(container));
    }
  }

  /** Writes the container's changes as a layer tar; returns content bytes. */
  public long diff(String container, OutputStream out) throws IOException {
    try (var building = state.locks().building()) {
      return driver.diff(mountId(container), out);
    }
  }

  /** Bytes of content the container has written (its diff size). */
  public long size(String container) throws IOException {
    try (var building = state.locks().building()) {
      return driver.diffSize(mountId(container));
    }
  }

  /**
   * Registers the container's diff as a new read-only layer on its image (one reference).
   *
   * @throws NotFoundException if the container has no write layer
   * @throws FailedPreconditionException if the disk or a quota fills while the diff is written or
   *     applied; the container is unchanged and nothing of the new layer is kept
   */
  public Layer commit(String container) throws IOException {
    try (var building = state.locks().building()) {
      return commitBuilding(container);
    }
  }

  /** The container and its image stay while the caller holds the layers lock shared. */
  private Layer commitBuilding(String container) throws IOException {
    WriteLayer w = get(container).orElseThrow(() -> notFound(container));
    Path tar = Files.createTempFile(state.tmp(), "commit-", ".tar");
    try {
      try (OutputStream out = Files.newOutputStream(tar)) {
        driver.diff(LayerId.of(w.mountId()), out);
      }
      try (InputStream in = Files.newInputStream(tar)) {
        return registrar.apply(in, w.parent(), Optional.empty());
      }
    } catch (IOException e) {
      throw OutOfSpace.translate(e, state.root().toString(), "committing container " + container);
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  /**
   * Removes the container's write and init layers, then any layer beneath that nothing holds.
   *
   * @throws NotFoundException if the container has no write layer
   * @throws FailedPreconditionException if the container's root filesystem is mounted
   */
  public void remove(String container) throws IOException {
    state.ensureOpen();
    try (var removing = state.locks().removing(); var held = state.locks().records()) {
      WriteLayer w = db.readMount(container).orElseThrow(() -> notFound(container));
      LayerId mountId = LayerId.of(w.mountId());
      int mounts = db.mountCount(container);
      if (mounts > 0) {
        throw new FailedPreconditionException(container,
            "container " + container + " is mounted " + mounts + " time(s); unmount it first");
      }
      db.removeMount(container);
      removeIfPresent(mountId);
      removeIfPresent(LayerId.of(w.initId()));
      index.collect(w.parent());
    }
  }

  /**
   * Called on an open with no other process about, after the driver settled its views: brings each
   * layer's driver mount count to what the records hold, that is a container's persisted count for
   * its write layer and none for any other layer. It mounts again what a reboot or a power cut
   * took, and drops what a process that died kept mounted for itself (a diff's or a create's
   * mount, or a reference it took before it could count it in the record). Views already counted
   * stay mounted as they are, in use or not.
   */
  void settleMounts() throws IOException {
    Map<LayerId, Integer> recorded = new HashMap<>();
    for (String name : db.listMounts()) {
      Optional<WriteLayer> w = db.readMount(name);
      if (w.isPresent()) {
        recorded.put(LayerId.of(w.get().mountId()), db.mountCount(name));
      }
    }
    for (LayerId id : driver.layers()) {
      int want = recorded.getOrDefault(id, 0);
      int have = driver.mountCount(id);
      for (; have < want; have++) {
        driver.mount(id);
      }
      for (; have > want; have--) {
        driver.unmount(id);
      }
    }
  }

  private StoreLock.Hold lockRecords() throws IOException {
    state.ensureOpen();
    return state.locks().records();
  }

  /** The driver id of the container's writable layer; refuses a closed store, as {@link #get} does. */
  private LayerId mountId(String container) throws IOException {
    return LayerId.of(get(container).orElseThrow(() -> notFound(container)).mountId());
  }

  private static NotFoundException notFound(String container) {
    return new NotFoundException(container, "no container named '" + container + "'");
  }

  private void refuseExisting(String container) throws IOException {
    if (db.readMount(container).isPresent()) {
      throw new AlreadyExistsException(container, "container " + container + " already has a write layer");
    }
  }

  private static void checkName(String name) throws InvalidArgumentException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidArgumentException(String.valueOf(name), "invalid container name '" + name
          + "': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, 2 to 128 characters");
    }
  }

  private void removeIfPresent(LayerId id) throws IOException {
    if (driver.exists(id)) {
      driver.remove(id);
    }
  }
}
