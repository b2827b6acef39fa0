package dev.strata.image;

import dev.strata.driver.Digest;
import java.util.List;
import java.util.Objects;

/** An image as {@link ArchiveWriter} writes it: its config bytes, its layers, and the tags to record. */
record SavedImage(ImageId id, byte[] config, List<Digest> diffIds, List<Reference> tags) {

  SavedImage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(config, "config");
    diffIds = List.copyOf(diffIds);
    tags = List.copyOf(tags);
  }
}
