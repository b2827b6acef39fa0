package dev.strata.snapshotter;

import dev.strata.driver.LayerId;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the snapshotter keeps of one snapshot, stored as one JSON file named by its layer.
 *
 * <p>The key is containerd's name for the snapshot (already namespaced by containerd, e.g. {@code
 * default/12/sha256:…}); the layer is the driver's. Commit changes the key and kind but keeps the
 * layer, as containerd's own snapshotters keep the storage and change only metadata.
 *
 * @param key containerd's key (active and view) or name (committed)
 * @param parent the parent snapshot's key, empty for none
 * @param kind view, active or committed
 * @param layer the driver layer that holds the snapshot's content
 * @param labels containerd's labels
 * @param created when the snapshot was prepared, ISO-8601
 * @param updated when its labels or kind last changed, ISO-8601
 */
record SnapshotRecord(String key, String parent, Kind kind, String layer, Map<String, String> labels,
    String created, String updated) {

  SnapshotRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(updated, "updated");
    labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
    // Fail here, at load, on a record whose fields a later use would trip over.
    LayerId.of(layer);
    Instant.parse(created);
    Instant.parse(updated);
  }

  LayerId layerId() {
    return LayerId.of(layer);
  }

  Instant createdAt() {
    return Instant.parse(created);
  }

  Instant updatedAt() {
    return Instant.parse(updated);
  }

  boolean hasParent() {
    return !parent.isEmpty();
  }

  SnapshotRecord withLabels(Map<String, String> newLabels, Instant now) {
    return new SnapshotRecord(key, parent, kind, layer, newLabels, created, now.toString());
  }

  SnapshotRecord committedAs(String name, Map<String, String> newLabels, Instant now) {
    return new SnapshotRecord(name, parent, Kind.COMMITTED, layer, newLabels, created, now.toString());
  }
}
