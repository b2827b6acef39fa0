package dev.strata.snapshotter;

import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.Mount;
import dev.strata.driver.Usage;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * containerd's snapshot model on a Strata driver: every snapshot is one writable driver layer
 * stacked on its parent's, and one record ({@link RecordStore}) that maps containerd's key to it.
 * Changes are serialized by one lock; the records on disk are the truth, the index by key a cache
 * of them rebuilt at open. The order of every change makes a crash leave at worst a layer without
 * a record, which the next open removes ({@link Reconciler}).
 */
final class SnapshotStore {

  /** Where a view's or active snapshot's mounts are described; containerd mounts them elsewhere. */
  private static final Path UNUSED_TARGET = Path.of("/");

  private final GraphDriver driver;
  private final RecordStore records;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, SnapshotRecord> byKey = new HashMap<>();

  SnapshotStore(GraphDriver driver, RecordStore records, Clock clock) throws IOException {
    this.driver = driver;
    this.records = records;
    this.clock = clock;
    for (SnapshotRecord r : new Reconciler(driver, records).reconcile()) {
      byKey.put(r.key(), r);
    }
  }

  /** Creates an active or view snapshot on {@code parent} (empty for none) and returns its mounts. */
  List<Mount> create(Kind kind, String key, String parent, Map<String, String> labels) throws IOException {
    Limits.key("key", key);
    Limits.labels(labels);
    lock.lock();
    try {
      if (byKey.containsKey(key)) {
        throw new AlreadyExistsException(key, "snapshot '" + Limits.shorten(key) + "' already exists");
      }
      Optional<LayerId> parentLayer = Optional.empty();
      if (!parent.isEmpty()) {
        Limits.key("parent", parent);
        SnapshotRecord p = byKey.get(parent);
        if (p == null) {
          throw new NotFoundException(parent, "parent snapshot '" + Limits.shorten(parent) + "' does not exist");
        }
        if (p.kind() != Kind.COMMITTED) {
          throw new FailedPreconditionException(parent, "parent snapshot '" + Limits.shorten(parent)
              + "' is " + p.kind().name().toLowerCase() + ", not committed; commit it first");
        }
        parentLayer = Optional.of(p.layerId());
      }
      LayerId layer = LayerId.of(UUID.randomUUID().toString().replace("-", ""));
      String now = clock.instant().toString();
      SnapshotRecord record = new SnapshotRecord(key, parent, kind, layer.value(), labels, now, now);
      // Layer first, record second: a crash in between leaves an orphan layer that open removes.
      driver.createWritable(layer, parentLayer, Map.of());
      List<Mount> mounts;
      try {
        mounts = mountsOf(record);
        MountDataLimit.check(key, mounts);
        records.write(record);
      } catch (IOException | RuntimeException e) {
        removeQuietly(layer, e);
        throw e;
      }
      byKey.put(key, record);
      return mounts;
    } finally {
      lock.unlock();
    }
  }

  /** The mounts of an active snapshot or a view. */
  List<Mount> mounts(String key) throws IOException {
    lock.lock();
    try {
      SnapshotRecord r = require(key);
      if (r.kind() == Kind.COMMITTED) {
        throw new FailedPreconditionException(key, "snapshot '" + Limits.shorten(key)
            + "' is committed and has no mounts; prepare or view a child of it");
      }
      return mountsOf(r);
    } finally {
      lock.unlock();
    }
  }

  /** Makes the active snapshot {@code key} the committed snapshot {@code name}, atomically. */
  void commit(String name, String key, Map<String, String> labels) throws IOException {
    Limits.key("name", name);
    Limits.labels(labels);
    lock.lock();
    try {
      SnapshotRecord r = require(key);
      if (r.kind() != Kind.ACTIVE) {
        throw new FailedPreconditionException(key, "snapshot '" + Limits.shorten(key) + "' is "
            + r.kind().name().toLowerCase() + "; only an active snapshot can be committed");
      }
      if (byKey.containsKey(name)) {
        throw new AlreadyExistsException(name, "snapshot '" + Limits.shorten(name) + "' already exists");
      }
      // One rename of the record under the same layer: before it the active snapshot, after it
      // the committed one; never both, never neither.
      SnapshotRecord committed = r.committedAs(name, labels, clock.instant());
      records.write(committed);
      byKey.remove(key);
      byKey.put(name, committed);
    } finally {
      lock.unlock();
    }
  }

  void remove(String key) throws IOException {
    lock.lock();
    try {
      SnapshotRecord r = require(key);
      for (SnapshotRecord other : byKey.values()) {
        if (other.parent().equals(key)) {
          throw new FailedPreconditionException(key, "snapshot '" + Limits.shorten(key)
              + "' has child '" + Limits.shorten(other.key()) + "'; remove the children first");
        }
      }
      records.beginRemoval(r.layerId());
      try {
        driver.remove(r.layerId());
      } catch (NotFoundException e) {
        // Already gone: the record was all that was left.
      } catch (IOException | RuntimeException e) {
        records.undoRemoval(r.layerId());
        throw e;
      }
      records.finishRemoval(r.layerId());
      byKey.remove(key);
    } finally {
      lock.unlock();
    }
  }

  SnapshotRecord stat(String key) throws IOException {
    lock.lock();
    try {
      return require(key);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Replaces the labels of {@code key} as containerd's field paths say: none or {@code labels}
   * replaces them all, {@code labels.K} sets or (when absent from {@code labels}) deletes one.
   */
  SnapshotRecord updateLabels(String key, Map<String, String> labels, List<String> paths) throws IOException {
    Limits.labels(labels);
    lock.lock();
    try {
      SnapshotRecord r = require(key);
      Map<String, String> updated = new HashMap<>(r.labels());
      if (paths.isEmpty()) {
        updated = new HashMap<>(labels);
      }
      for (String path : paths) {
        if (path.equals("labels")) {
          updated = new HashMap<>(labels);
        } else if (path.startsWith("labels.") && path.length() > "labels.".length()) {
          String k = path.substring("labels.".length());
          if (labels.containsKey(k)) {
            updated.put(k, labels.get(k));
          } else {
            updated.remove(k);
          }
        } else {
          throw new InvalidArgumentException(path, "cannot update field '"
              + Limits.shorten(path) + "' of snapshot '" + Limits.shorten(key) + "'; only labels change");
        }
      }
      Limits.labels(updated);
      SnapshotRecord changed = r.withLabels(updated, clock.instant());
      records.write(changed);
      byKey.put(key, changed);
      return changed;
    } finally {
      lock.unlock();
    }
  }

  List<SnapshotRecord> list() {
    lock.lock();
    try {
      return new ArrayList<>(byKey.values());
    } finally {
      lock.unlock();
    }
  }

  Usage usage(String key) throws IOException {
    LayerId layer = stat(key).layerId();
    // Measured outside the lock: a large layer takes a while, and the driver is thread safe.
    try {
      return driver.usage(layer);
    } catch (NotFoundException e) {
      throw new NotFoundException(key, "snapshot '" + Limits.shorten(key) + "' was removed while measured", e);
    }
  }

  /** Removes layers no record names, left by a crash or a failed removal. */
  void cleanup() throws IOException {
    lock.lock();
    try {
      new Reconciler(driver, records).removeOrphans(byKey.values());
    } finally {
      lock.unlock();
    }
  }

  private List<Mount> mountsOf(SnapshotRecord r) throws IOException {
    return SnapshotMounts.forKind(r.kind(), driver.mounts(r.layerId(), UNUSED_TARGET));
  }

  private SnapshotRecord require(String key) throws IOException {
    Limits.key("key", key);
    SnapshotRecord r = byKey.get(key);
    if (r == null) {
      throw new NotFoundException(key, "snapshot '" + Limits.shorten(key) + "' does not exist");
    }
    return r;
  }

  private void removeQuietly(LayerId layer, Exception cause) {
    try {
      driver.remove(layer);
    } catch (IOException | RuntimeException e) {
      // The next open or Cleanup removes the orphan layer.
      cause.addSuppressed(e);
    }
  }
}
