package dev.strata.layer;

import dev.strata.driver.LayerId;

/** A layer as the store keeps it: the public value, the driver's id for it, and its references. */
record LayerRecord(Layer layer, LayerId cacheId, int references) {

  LayerRecord withReferences(int count) {
    return new LayerRecord(layer, cacheId, count);
  }
}
