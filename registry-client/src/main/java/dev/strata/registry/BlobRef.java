package dev.strata.registry;

import dev.strata.driver.Digest;
import java.util.Objects;

/** A manifest's pointer to a blob: what it hashes to and how long it is. */
record BlobRef(Digest digest, long size, String mediaType) {

  BlobRef {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    if (size < 0) {
      throw new IllegalArgumentException("negative blob size " + size + " for " + digest);
    }
  }
}
