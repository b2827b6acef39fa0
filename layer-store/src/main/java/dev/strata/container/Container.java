package dev.strata.container;

import dev.strata.image.ImageId;
import dev.strata.volume.MountSpec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What is remembered of a container beside its write layer: the image it was created from and the
 * mounts it asked for. (How many times it is mounted is the layer store's to know.) Kept as
 * {@code <root>/containers/<name>/container.json}.
 *
 * @param name the container's name, also its write layer's name in the layer store and the
 *     reference it holds on its volumes
 * @param image the image it was created from; empty when the record was lost and only the write
 *     layer is left
 * @param imageRef the image as named on the command line ({@code nginx:1.27}, an id prefix)
 * @param created when it was created
 * @param mounts its volume, bind and tmpfs mounts, anonymous volumes already named
 * @param mountLabel the SELinux MCS level ({@code s0:c12,c345}) its {@code :Z} mounts are labelled
 *     with; empty when it has none
 */
public record Container(
    String name, Optional<ImageId> image, String imageRef, Instant created, List<MountSpec> mounts,
    Optional<String> mountLabel) {

  public Container {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(imageRef, "imageRef");
    Objects.requireNonNull(created, "created");
    mounts = List.copyOf(mounts);
    Objects.requireNonNull(mountLabel, "mountLabel");
  }

  /** A container with no mounts of its own. */
  public Container(String name, Optional<ImageId> image, String imageRef, Instant created) {
    this(name, image, imageRef, created, List.of(), Optional.empty());
  }
}
