package dev.strata.cli;

import dev.strata.image.ImageId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the command remembers of a container beside its write layer: the image it was created
 * from. (How many times it is mounted is the layer store's to know.) Kept as {@code
 * <root>/containers/<name>/container.json}:
 *
 * <pre>{@code
 * {"name":"web","image":"sha256:<hex>","image_ref":"nginx:1.27","created":"2025-01-02T03:04:05.123Z"}
 * }</pre>
 *
 * @param name the container's name, also its write layer's name in the layer store
 * @param image the image it was created from; empty when the record was lost and only the write
 *     layer is left
 * @param imageRef the image as named on the command line ({@code nginx:1.27}, an id prefix)
 * @param created when it was created
 */
record ContainerRecord(String name, Optional<ImageId> image, String imageRef, Instant created) {

  ContainerRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(imageRef, "imageRef");
    Objects.requireNonNull(created, "created");
  }
}
