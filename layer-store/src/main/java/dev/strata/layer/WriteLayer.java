package dev.strata.layer;

import java.util.Objects;
import java.util.Optional;

/**
 * A container's writable layer.
 *
 * @param container the container's name
 * @param parent the image's top layer, if any
 * @param mountId the driver's id of the writable layer
 * @param initId the driver's id of the init layer beneath it
 */
public record WriteLayer(String container, Optional<ChainId> parent, String mountId, String initId) {

  public WriteLayer {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(mountId, "mountId");
    Objects.requireNonNull(initId, "initId");
  }
}
