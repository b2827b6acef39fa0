package dev.strata.driver.overlay2;

import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
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
 * The layers a driver knows, plus the ones being created. A create reserves its id here before the
 * long copy, so a second create of the same id fails at once and the parent counts as having a
 * child until the create ends. Not thread-safe: the driver calls it under its lock.
 */
final class LayerTable {

  private final Path home;
  private final int maxDepth;
  private final Map<LayerId, LayerInfo> layers;
  private final Map<LayerId, LayerInfo> pending = new HashMap<>();

  LayerTable(Path home, int maxDepth, Map<LayerId, LayerInfo> layers) {
    this.home = home;
    this.maxDepth = maxDepth;
    this.layers = new HashMap<>(layers);
  }

  /** Validates a create and holds its id until {@link #publish} or {@link #release}. */
  LayerInfo reserve(LayerId id, Optional<LayerId> parent, boolean writable)
      throws AlreadyExistsException, NotFoundException, FailedPreconditionException {
    if (layers.containsKey(id) || pending.containsKey(id)) {
      throw new AlreadyExistsException(id.value(), "layer " + id + " already exists in " + home);
    }
    int depth = 1;
    if (parent.isPresent()) {
      LayerInfo p = layers.get(parent.get());
      if (p == null) {
        throw new NotFoundException(parent.get().value(),
            "parent layer " + parent.get() + " of " + id + " does not exist in " + home);
      }
      depth = p.depth() + 1;
    }
    if (depth > maxDepth) {
      throw new FailedPreconditionException(id.value(), "layer " + id + " would stack " + depth
          + " layers deep; overlay2 allows at most " + maxDepth + " (squash some layers of the image)");
    }
    LayerInfo info = new LayerInfo(id, parent, writable, depth);
    pending.put(id, info);
    return info;
  }

  void publish(LayerInfo info) {
    pending.remove(info.id());
    layers.put(info.id(), info);
  }

  void release(LayerId id) {
    pending.remove(id);
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
