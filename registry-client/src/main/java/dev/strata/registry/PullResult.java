package dev.strata.registry;

import dev.strata.driver.Digest;
import dev.strata.image.ImageId;
import dev.strata.image.Reference;
import java.util.Objects;
import java.util.Optional;

/**
 * What a pull did.
 *
 * @param imageId the pulled image's id (its config digest)
 * @param manifestDigest the digest of the image manifest pulled (for a multi-platform image, the
 *     platform's manifest, not the index)
 * @param tag the local tag it got, empty when pulled by digest alone
 * @param downloaded layers fetched from the registry
 * @param skipped layers already in the store
 */
public record PullResult(ImageId imageId, Digest manifestDigest, Optional<Reference> tag, int downloaded,
    int skipped) {

  public PullResult {
    Objects.requireNonNull(imageId, "imageId");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(tag, "tag");
    if (downloaded < 0 || skipped < 0) {
      throw new IllegalArgumentException("negative layer counts " + downloaded + "/" + skipped);
    }
  }
}
