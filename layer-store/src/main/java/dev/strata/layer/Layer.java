package dev.strata.layer;

import dev.strata.driver.Digest;
import java.util.Objects;
import java.util.Optional;

/**
 * A registered read-only layer.
 *
 * @param chainId its identity in the stack
 * @param diffId sha256 of its uncompressed tar
 * @param parent the layer beneath, if any
 * @param size bytes of file content the layer's tar carried
 * @param depth layers in the stack, this one included
 */
public record Layer(ChainId chainId, Digest diffId, Optional<ChainId> parent, long size, int depth) {

  public Layer {
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(parent, "parent");
    if (size < 0 || depth < 1) {
      throw new IllegalArgumentException("layer " + chainId + ": bad size " + size + " or depth " + depth);
    }
  }
}
