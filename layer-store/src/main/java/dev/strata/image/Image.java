package dev.strata.image;

import dev.strata.driver.Digest;
import dev.strata.layer.ChainId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An image in the {@link ImageStore}.
 *
 * @param id sha256 of the config JSON
 * @param diffIds the config's {@code rootfs.diff_ids}, base layer first
 * @param top the ChainID of the top layer (the one the image holds a reference on); empty for an
 *     image without layers
 * @param tags its tags, sorted; empty for a dangling image
 * @param created the config's {@code created} time, or the epoch when it has none
 * @param size bytes of content in all its layers
 */
public record Image(ImageId id, List<Digest> diffIds, Optional<ChainId> top, List<Reference> tags,
    Instant created, long size) {

  public Image {
    Objects.requireNonNull(id, "id");
    diffIds = List.copyOf(diffIds);
    Objects.requireNonNull(top, "top");
    tags = tags.stream().sorted().toList();
    Objects.requireNonNull(created, "created");
    if (size < 0) {
      throw new IllegalArgumentException("image " + id + ": negative size " + size);
    }
    if (top.isPresent() != !diffIds.isEmpty()) {
      throw new IllegalArgumentException("image " + id + ": top layer " + top + " disagrees with " + diffIds.size() + " layers");
    }
  }

  /** How many layers the image has. */
  public int layerCount() {
    return diffIds.size();
  }

  /** The ChainIDs of its layers, base first. */
  public List<ChainId> chainIds() {
    return ImageConfig.chainIds(diffIds);
  }
}
