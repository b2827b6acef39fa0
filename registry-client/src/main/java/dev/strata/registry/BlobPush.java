package dev.strata.registry;

import dev.strata.driver.Digest;
import java.util.Objects;

/**
 * What push did with one blob.
 *
 * @param digest the blob's digest (compressed, for a layer)
 * @param size the blob's size in bytes
 */
public record BlobPush(Digest digest, long size, Outcome outcome) {

  /** How the blob reached the repository. */
  public enum Outcome {
    /** Sent. */
    UPLOADED,
    /** The repository had it. */
    EXISTS,
    /** Linked from another repository of the same registry. */
    MOUNTED
  }

  public BlobPush {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(outcome, "outcome");
    if (size < 0) {
      throw new IllegalArgumentException("negative blob size " + size + " for " + digest);
    }
  }
}
