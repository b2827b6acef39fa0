package dev.strata.driver;

import java.util.Objects;
import java.util.Optional;

/**
 * What a driver knows of one layer.
 *
 * @param id the layer
 * @param parent the layer it stacks on, if any
 * @param writable true for a container's (or init) layer, false for an image layer
 * @param depth number of layers in the stack, this one included (a base layer has depth 1)
 */
public record LayerInfo(LayerId id, Optional<LayerId> parent, boolean writable, int depth) {

  public LayerInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(parent, "parent");
    if (depth < 1) {
      throw new IllegalArgumentException("depth of " + id + " must be at least 1: " + depth);
    }
  }
}
