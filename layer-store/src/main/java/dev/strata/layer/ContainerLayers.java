package dev.strata.layer;

import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Containers' write layers: each an init layer (filled by an {@link InitHook}) on the image's top
 * layer, and the writable layer on that. The metadata under {@code mounts/<container>} is written
 * only once both driver layers exist, and removed before they go, so a crash leaves at worst
 * driver layers that no one names, which recovery removes.
 */
final class ContainerLayers {

  /** Docker's rule for container names. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{1,127}");

  private final LayerDb db;
  private final LayerIndex index;
  private final GraphDriver driver;
  private final CacheIds ids;

  ContainerLayers(LayerDb db, LayerIndex index, GraphDriver driver, CacheIds ids) {
    this.db = db;
    this.index = index;
    this.driver = driver;
    this.ids = ids;
  }

  WriteLayer create(String container, Optional<ChainId> parent, InitHook init, Map<String, String> storageOptions)
      throws IOException {
    checkName(container);
    Optional<LayerRecord> parentRecord = parent.isPresent() ? Optional.of(index.record(parent.get())) : Optional.empty();
    LayerId initId = ids.next("-init");
    LayerId mountId = ids.next("");
    synchronized (index) {
      refuseExisting(container);
      index.pin(parent);
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
      WriteLayer w = new WriteLayer(container, parent, mountId.value(), initId.value());
      synchronized (index) {
        refuseExisting(container);
        db.createMount(w);
      }
      done = true;
      return w;
    } finally {
      index.unpin(parent);
      if (!done) {
        removeIfPresent(mountId);
        removeIfPresent(initId);
      }
    }
  }

  Optional<WriteLayer> find(String container) throws IOException {
    return NAME.matcher(container).matches() ? db.readMount(container) : Optional.empty();
  }

  List<WriteLayer> all() throws IOException {
    List<WriteLayer> out = new ArrayList<>();
    for (String name : db.listMounts()) {
      db.readMount(name).ifPresent(out::add);
    }
    return out;
  }

  /** The driver id of the container's writable layer. */
  LayerId mountId(String container) throws IOException {
    return LayerId.of(find(container).orElseThrow(() -> notFound(container)).mountId());
  }

  /** Mounts the container's view and persists the new count. */
  Path mount(String container) throws IOException {
    synchronized (index) {
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

  void unmount(String container) throws IOException {
    synchronized (index) {
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

  int mountCount(String container) throws IOException {
    mountId(container);
    return db.mountCount(container);
  }

  /**
   * Called on open, after the driver swept every mount a previous process left: mounts again each
   * container whose persisted count says it is mounted, so the driver's counts equal the record.
   */
  void restoreMounts() throws IOException {
    for (String name : db.listMounts()) {
      int count = db.mountCount(name);
      Optional<WriteLayer> w = db.readMount(name);
      if (w.isEmpty() || count == 0) {
        continue;
      }
      LayerId id = LayerId.of(w.get().mountId());
      for (int i = driver.mountCount(id); i < count; i++) {
        driver.mount(id);
      }
    }
  }

  void remove(String container) throws IOException {
    synchronized (index) {
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

  static NotFoundException notFound(String container) {
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
