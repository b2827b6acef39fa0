package dev.strata.usage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One container's share of the disk.
 *
 * @param id the container's name, which is its identity in Strata (and its write layer's name)
 * @param names its names: Strata's containers have exactly one, {@code id}
 * @param image the image as named when it was created ({@code nginx:1.27}, an id prefix); empty
 *     when its record was lost
 * @param writeLayerSizeBytes content bytes the container has written (its diff against the image)
 * @param created when it was created
 */
public record ContainerUsage(String id, List<String> names, String image, long writeLayerSizeBytes,
    Instant created) {

  public ContainerUsage {
    Objects.requireNonNull(id, "id");
    names = List.copyOf(names);
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(created, "created");
    if (writeLayerSizeBytes < 0) {
      throw new IllegalArgumentException("container " + id + ": negative size " + writeLayerSizeBytes);
    }
  }
}
