package dev.strata.image;

import dev.strata.driver.Digest;
import java.util.Objects;

/**
 * An image's identity: the sha256 of its config JSON, byte for byte (Docker's image id). Two
 * images with the same layers but different configs are different images.
 */
public record ImageId(Digest digest) {

  public ImageId {
    Objects.requireNonNull(digest, "digest");
  }

  /** The id of the image whose config JSON is exactly {@code configJson}. */
  public static ImageId ofConfig(byte[] configJson) {
    return new ImageId(Digest.sha256Of(configJson));
  }

  /** Parses {@code sha256:<hex>}. */
  public static ImageId parse(String text) {
    return new ImageId(Digest.parse(text));
  }

  /** The first 12 hex digits, as {@code docker images} shows them. */
  public String shortId() {
    return digest.hex().substring(0, 12);
  }

  @Override
  public String toString() {
    return digest.toString();
  }
}
