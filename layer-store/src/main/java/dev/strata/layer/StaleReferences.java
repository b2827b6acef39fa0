package dev.strata.layer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * References that a killed process took and will never release, and layers it left unreferenced.
 * A load holds one on every layer it registers and a commit on the layer it makes, until an image
 * holds the top layer; an rmi deletes the image before it releases the layer. A process killed in
 * between leaves a layer counting more references than there are durable holders, so no release
 * would ever remove it. A release killed part way down a stack leaves the lower layers with no
 * reference and nothing on them, so no release ever reaches them again.
 */
final class StaleReferences {

  private final LayerDb db;
  private final LayerIndex index;

  StaleReferences(LayerDb db, LayerIndex index) {
    this.db = db;
    this.index = index;
  }

  /**
   * Lowers every count above what {@code durable} says (0 when absent) to it, then removes every
   * layer with no reference and nothing on it, deepest first so a parent goes after its last child.
   * Returns the layers removed.
   */
  List<ChainId> drop(Map<ChainId, Integer> durable) throws IOException {
    List<LayerRecord> unheld = new ArrayList<>();
    // The caller holds the layers lock exclusively and the record lock.
    for (ChainId id : db.list()) {
      Optional<LayerRecord> r = index.cached(id);
      if (r.isEmpty()) {
        continue;
      }
      int want = durable.getOrDefault(id, 0);
      if (r.get().references() > want) {
        index.setReferences(r.get(), want);
      }
      if (want == 0) {
        unheld.add(r.get());
      }
    }
    unheld.sort(Comparator.comparingInt((LayerRecord r) -> r.layer().depth()).reversed());
    List<ChainId> removed = new ArrayList<>();
    for (LayerRecord r : unheld) {
      if (!removed.contains(r.layer().chainId())) {
        removed.addAll(index.collect(Optional.of(r.layer().chainId())));
      }
    }
    return removed;
  }
}
