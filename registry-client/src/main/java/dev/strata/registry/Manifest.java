package dev.strata.registry;

import dev.strata.driver.Digest;
import java.util.List;
import java.util.Objects;

/**
 * An image manifest (OCI or Docker schema 2) as pull needs it.
 *
 * @param digest the sha256 of {@code bytes}, verified
 * @param bytes the manifest exactly as the registry sent it
 */
record Manifest(Digest digest, byte[] bytes, String mediaType, BlobRef config, List<BlobRef> layers) {

  Manifest {
    Objects.requireNonNull(digest, "digest");
    bytes = bytes.clone();
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
  }
}
