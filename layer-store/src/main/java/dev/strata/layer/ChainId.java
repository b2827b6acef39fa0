package dev.strata.layer;

import dev.strata.driver.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity of a read-only layer in its stack: for a base layer its DiffID, otherwise {@code
 * sha256(parentChainId + " " + diffId)} (the OCI image spec's rule). Two stacks share a layer
 * only when everything beneath it is the same.
 */
public record ChainId(Digest digest) {

  public ChainId {
    Objects.requireNonNull(digest, "digest");
  }

  /** The ChainID of a layer with this DiffID on top of {@code parent}. */
  public static ChainId of(Optional<ChainId> parent, Digest diffId) {
    if (parent.isEmpty()) {
      return new ChainId(diffId);
    }
    String text = parent.get().digest() + " " + diffId;
    return new ChainId(Digest.sha256Of(text.getBytes(StandardCharsets.US_ASCII)));
  }

  public static ChainId parse(String text) {
    return new ChainId(Digest.parse(text));
  }

  @Override
  public String toString() {
    return digest.toString();
  }
}
