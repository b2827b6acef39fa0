package dev.strata.registry;

import dev.strata.driver.Digest;
import java.util.List;
import java.util.Objects;

/**
 * What a push did.
 *
 * @param target where the image went
 * @param manifestDigest sha256 of the manifest bytes sent, which the registry confirmed
 * @param manifestSize length of those bytes
 * @param manifestMediaType Docker schema 2 or OCI
 * @param config the config blob
 * @param layers the layer blobs, base first
 */
public record PushResult(ImageName target, Digest manifestDigest, long manifestSize, String manifestMediaType,
    BlobPush config, List<BlobPush> layers) {

  public PushResult {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(manifestMediaType, "manifestMediaType");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
  }

  /** How many layers had the given outcome. */
  public long layers(BlobPush.Outcome outcome) {
    return layers.stream().filter(b -> b.outcome() == outcome).count();
  }
}
