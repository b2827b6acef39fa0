package dev.strata.snapshotter;

import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.NotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings records and layers back into agreement after a crash: finishes removals that were begun,
 * drops records whose layer (or parent snapshot) is gone, and removes layers no record names.
 * Every change the store makes is ordered so that these are the only disagreements a crash can
 * leave.
 */
final class Reconciler {

  private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());

  private final GraphDriver driver;
  private final RecordStore records;

  Reconciler(GraphDriver driver, RecordStore records) {
    this.driver = driver;
    this.records = records;
  }

  /** Returns the records that stand, after repairing what a crash left. */
  List<SnapshotRecord> reconcile() throws IOException {
    for (LayerId layer : records.pendingRemovals()) {
      if (driver.exists(layer)) {
        removeLayer(layer);
      }
      records.finishRemoval(layer);
    }
    Map<String, SnapshotRecord> byKey = new HashMap<>();
    for (SnapshotRecord r : records.loadAll()) {
      SnapshotRecord before = byKey.put(r.key(), r);
      if (before != null) {
        throw new CorruptException(r.key(), "layers " + before.layer() + " and " + r.layer()
            + " both claim snapshot '" + Limits.shorten(r.key()) + "'; move one record away");
      }
    }
    boolean dropped = true;
    while (dropped) {
      dropped = false;
      for (SnapshotRecord r : new ArrayList<>(byKey.values())) {
        String why = !driver.exists(r.layerId()) ? "its layer " + r.layer() + " is gone"
            : r.hasParent() && !byKey.containsKey(r.parent()) ? "its parent '" + r.parent() + "' is gone"
            : null;
        if (why != null) {
          LOG.log(System.Logger.Level.WARNING, "dropping snapshot ''{0}'': {1}", r.key(), why);
          records.beginRemoval(r.layerId());
          records.finishRemoval(r.layerId());
          byKey.remove(r.key());
          dropped = true;
        }
      }
    }
    removeOrphans(byKey.values());
    return new ArrayList<>(byKey.values());
  }

  /** Removes every driver layer no record names, children before parents. */
  void removeOrphans(Collection<SnapshotRecord> standing) throws IOException {
    Set<LayerId> named = new HashSet<>();
    for (SnapshotRecord r : standing) {
      named.add(r.layerId());
    }
    List<LayerId> orphans = new ArrayList<>();
    Map<LayerId, Integer> depth = new HashMap<>();
    for (LayerId layer : driver.layers()) {
      if (!named.contains(layer) && driver.exists(layer)) {
        orphans.add(layer);
        depth.put(layer, driver.info(layer).depth());
      }
    }
    orphans.sort(Comparator.comparing((LayerId l) -> depth.get(l)).reversed());
    for (LayerId layer : orphans) {
      LOG.log(System.Logger.Level.INFO, "removing layer {0}, which no snapshot names", layer);
      removeLayer(layer);
    }
  }

  private void removeLayer(LayerId layer) throws IOException {
    try {
      driver.remove(layer, true);
    } catch (NotFoundException e) {
      // Gone already; nothing left to do.
    }
  }
}
