package dev.strata.registry;

import dev.strata.driver.Digest;
import java.util.Objects;

/**
 * Where one layer of a push stands. Layers are named by DiffID, as {@code docker push} names
 * them: the blob digest is known only once the layer is compressed.
 *
 * @param diffId the layer's DiffID (the digest of its uncompressed tar)
 * @param done bytes done: of the tar while {@link State#PREPARING}, of the blob afterwards
 * @param total the blob size once known, 0 while {@link State#PREPARING}
 */
public record PushProgress(Digest diffId, long done, long total, State state) {

  /** The life of a layer during a push. */
  public enum State {
    /** Being exported from the store and compressed. */
    PREPARING,
    /** Being sent to the registry. */
    UPLOADING,
    /** The registry had the blob already; nothing sent. */
    EXISTS,
    /** The registry linked the blob from another repository; nothing sent. */
    MOUNTED,
    /** Uploaded and acknowledged with the right digest. */
    PUSHED
  }

  public PushProgress {
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(state, "state");
    if (done < 0 || total < 0) {
      throw new IllegalArgumentException("negative progress " + done + "/" + total);
    }
  }
}
