package dev.strata.registry;

import dev.strata.driver.Digest;
import java.util.Objects;

/**
 * Where one layer of a pull stands.
 *
 * @param digest the layer blob's digest
 * @param done bytes downloaded so far (the blob size once it is in the store or present already)
 * @param total the blob size from the manifest
 */
public record LayerProgress(Digest digest, long done, long total, State state) {

  /** The life of a layer during a pull. */
  public enum State {
    /** In the store already; nothing to download. */
    EXISTS,
    /** Waiting for a download slot. */
    WAITING,
    DOWNLOADING,
    /** The connection failed; waiting before resuming or restarting. */
    RETRYING,
    /** Downloaded and verified; waiting for the layer beneath to be applied. */
    DOWNLOADED,
    /** Being applied to the layer store. */
    EXTRACTING,
    /** In the store. */
    DONE
  }

  public LayerProgress {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(state, "state");
    if (done < 0 || total < 0) {
      throw new IllegalArgumentException("negative progress " + done + "/" + total);
    }
  }
}
