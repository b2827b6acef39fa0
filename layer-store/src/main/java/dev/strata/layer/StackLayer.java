package dev.strata.layer;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * One layer of a stack given to {@link LayerStore#registerAll}: where its tar comes from and the
 * DiffID it must hash to.
 *
 * @param tar opens the layer tar (plain or compressed); called at most once per attempt, possibly
 *     on another thread, and never when the layer is registered already
 * @param diffId the DiffID the tar must hash to
 * @param explain turns a {@link CorruptException} raised while registering this layer into the
 *     caller's words (which image, which blob); the identity by default
 */
public record StackLayer(Opener tar, Digest diffId, Explain explain) {

  /** Opens a layer tar. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;
  }

  /** Says in the caller's words what a corrupt layer is. */
  @FunctionalInterface
  public interface Explain {
    CorruptException explain(CorruptException e);
  }

  public StackLayer {
    Objects.requireNonNull(tar, "tar");
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(explain, "explain");
  }

  public StackLayer(Opener tar, Digest diffId) {
    this(tar, diffId, e -> e);
  }
}
