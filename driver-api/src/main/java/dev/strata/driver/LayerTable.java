package dev.strata.driver;

import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.NotFoundException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The layers a driver knows, plus the ones being created; {@link AbstractGraphDriver}'s. A create
 * reserves its id here before the long copy or apply, so a second create of the same id fails at
 * once, the parent counts as having a child until the create ends, and the depth limit is checked
 * in one place. Not thread-safe: the driver calls it under its lock.
 */
final class LayerTable {

  private final String driver;
  private final Path home;
  private final int maxDepth;
  private final Map<LayerId, LayerInfo> layers;
  private final Map<LayerId, LayerInfo> pending = new HashMap<>();

  /**
   * @param driver the driver's name, for messages
   * @param home the driver's home, for messages
   * @param maxDepth the deepest stack accepted
   * @param layers the layers already on disk
   */
  LayerTable(String driver, Path home, int maxDepth, Map<LayerId, LayerInfo> layers) {
    this.driver = driver;
    this.home = home;
    this.maxDepth = maxDepth;
    this.layers = new HashMap<>(layers);
  }

  /**
   * Validates a create and holds its id until {@link #publish} or {@link #release}.
   *
   * @param pendingParent whether {@code parent} may be a layer still being created (a driver with
   *     {@link Capability#INDEPENDENT_LAYERS}); otherwise it must exist
   */
  LayerInfo reserve(LayerId id, Optional<LayerId> parent, boolean writable, boolean pendingParent)
      throws AlreadyExistsException, NotFoundException, FailedPreconditionException {
    if (layers.containsKey(id) || pending.containsKey(id)) {
      throw new AlreadyExistsException(id.value(), "layer " + id + " already exists in " + home);
    }
    int depth = 1;
    if (parent.isPresent()) {
      LayerInfo p = layers.get(parent.get());
      if (p == null && pendingParent) {
        p = pending.get(parent.get());
      }
      if (p == null) {
        throw new NotFoundException(parent.get().value(),
            "parent layer " + parent.get() + " of " + id + " does not exist in " + home);
      }
      depth = p.depth() + 1;
    }
    if (depth > maxDepth) {
      throw new FailedPreconditionException(id.value(), "layer " + id + " would stack " + depth
          + " layers deep; " + driver + " allows at most " + maxDepth + " (squash some layers of the image)");
    }
    LayerInfo info = new LayerInfo(id, parent, writable, depth);
    pending.put(id, info);
    return info;
  }

  /** What a create does once its id is reserved: build the layer in staging and move it into place. */
  @FunctionalInterface
  interface Build<T> {
    T run(LayerInfo info) throws java.io.IOException;
  }

  /**
   * Builds a reserved layer and ends the reservation either way: published when {@code build}
   * returns, released when it throws, so a failed create leaves no trace here. The build runs
   * without {@code lock} (the driver's lock, which guards this table) so other layers' operations
   * go on meanwhile; only the table updates take it.
   */
  <T> T build(LayerInfo info, Object lock, Build<T> build) throws java.io.IOException {
    boolean published = false;
    try {
      T result = build.run(info);
      synchronized (lock) {
        publish(info);
        lock.notifyAll(); // children built ahead wait for their parent (AbstractGraphDriver#awaitParent)
      }
      published = true;
      return result;
    } finally {
      if (!published) {
        synchronized (lock) {
          release(info.id());
          lock.notifyAll();
        }
      }
    }
  }

  /**
   * Refuses the removal of a layer that is mounted or has a child (finished or being created).
   *
   * @param mounts the driver's current mount references of {@code id}
   */
  LayerInfo checkRemovable(LayerId id, int mounts) throws NotFoundException, FailedPreconditionException {
    LayerInfo info = require(id);
    if (mounts > 0) {
      throw new FailedPreconditionException(id.value(), "layer " + id + " is mounted (" + mounts
          + " references); unmount it before removing it");
    }
    Optional<LayerId> child = childOf(id);
    if (child.isPresent()) {
      throw new FailedPreconditionException(id.value(), "layer " + id + " has child layer "
          + child.get() + "; remove " + child.get() + " first");
    }
    return info;
  }

  void publish(LayerInfo info) {
    pending.remove(info.id());
    layers.put(info.id(), info);
  }

  void release(LayerId id) {
    pending.remove(id);
  }

  /** Whether {@code id} is being created: reserved, neither published nor released yet. */
  boolean isPending(LayerId id) {
    return pending.containsKey(id);
  }

  /** Replaces the known layers with {@code current}, as read from disk again; reservations stay. */
  void replace(Map<LayerId, LayerInfo> current) {
    layers.clear();
    layers.putAll(current);
  }

  void forget(LayerId id) {
    layers.remove(id);
  }

  LayerInfo require(LayerId id) throws NotFoundException {
    LayerInfo info = layers.get(id);
    if (info == null) {
      throw new NotFoundException(id.value(), "layer " + id + " does not exist in " + home);
    }
    return info;
  }

  boolean contains(LayerId id) {
    return layers.containsKey(id);
  }

  int size() {
    return layers.size();
  }

  Set<LayerId> ids() {
    return Set.copyOf(layers.keySet());
  }

  /** A child of {@code id}, finished or being created; the first by id so messages are stable. */
  Optional<LayerId> childOf(LayerId id) {
    Optional<LayerId> parent = Optional.of(id);
    return Stream.concat(layers.values().stream(), pending.values().stream())
        .filter(l -> l.parent().equals(parent))
        .map(LayerInfo::id)
        .min(Comparator.comparing(LayerId::value));
  }
}
