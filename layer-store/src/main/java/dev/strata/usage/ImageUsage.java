package dev.strata.usage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One image's share of the disk.
 *
 * @param id the image id, {@code sha256:<hex>}
 * @param repoTags its tags ({@code repo:tag}), sorted; empty for a dangling image
 * @param created the config's {@code created} time (the epoch when it has none)
 * @param sizeBytes content bytes of all its layers
 * @param sharedSizeBytes content bytes of its layers that another image also uses
 * @param uniqueSizeBytes content bytes of its layers no other image uses: what removing it frees
 * @param containers how many containers were created from it
 */
public record ImageUsage(String id, List<String> repoTags, Instant created, long sizeBytes, long sharedSizeBytes,
    long uniqueSizeBytes, int containers) {

  public ImageUsage {
    Objects.requireNonNull(id, "id");
    repoTags = List.copyOf(repoTags);
    Objects.requireNonNull(created, "created");
    if (sharedSizeBytes < 0 || uniqueSizeBytes < 0 || sharedSizeBytes + uniqueSizeBytes != sizeBytes || containers < 0) {
      throw new IllegalArgumentException("image " + id + ": bad figures: size " + sizeBytes + ", shared "
          + sharedSizeBytes + ", unique " + uniqueSizeBytes + ", containers " + containers);
    }
  }
}
