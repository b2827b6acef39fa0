package dev.strata.check;

import dev.strata.image.Image;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerAudit.DamagedLayer;
import dev.strata.layer.LayerAudit.StoredLayer;
import dev.strata.layer.LayerAudit.StoredWriteLayer;
import dev.strata.volume.Volume;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one check read from the stores before judging them; every per-area check works on the
 * same reading, so two findings never disagree about what was there.
 *
 * @param records names with a container record
 */
record StoreState(List<StoredLayer> layers, List<DamagedLayer> damaged, List<StoredWriteLayer> writeLayers,
    List<Image> images, List<Volume> volumes, List<String> records) {

  StoreState {
    layers = List.copyOf(layers);
    damaged = List.copyOf(damaged);
    writeLayers = List.copyOf(writeLayers);
    images = List.copyOf(images);
    volumes = List.copyOf(volumes);
    records = List.copyOf(records);
  }

  Map<ChainId, StoredLayer> byChain() {
    Map<ChainId, StoredLayer> byChain = new HashMap<>();
    layers.forEach(l -> byChain.put(l.layer().chainId(), l));
    return byChain;
  }

  /**
   * True when the store has a record for {@code chainId}, readable or not: a damaged record is
   * reported as such, not again as a missing parent or top layer.
   */
  boolean hasRecord(ChainId chainId) {
    return layers.stream().anyMatch(l -> l.layer().chainId().equals(chainId))
        || damaged.stream().anyMatch(d -> d.chainId().equals(chainId));
  }

  /** Containers that exist: those with a write layer. */
  Set<String> containers() {
    Set<String> names = new TreeSet<>();
    writeLayers.forEach(w -> names.add(w.writeLayer().container()));
    return names;
  }

  /** How many images have each layer as their top layer: what its reference count must be. */
  Map<ChainId, Integer> expectedReferences() {
    Map<ChainId, Integer> expected = new HashMap<>();
    for (Image image : images) {
      image.top().ifPresent(top -> expected.merge(top, 1, Integer::sum));
    }
    return expected;
  }

  Set<String> recordSet() {
    return new HashSet<>(records);
  }
}
