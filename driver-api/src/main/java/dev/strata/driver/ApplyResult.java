package dev.strata.driver;

import java.util.Objects;

/**
 * What applying a layer tar did.
 *
 * @param diffId sha256 of the whole uncompressed tar stream, trailing padding included
 * @param size bytes of regular-file content written (Docker's layer "size")
 * @param entries tar entries processed, whiteouts included
 * @param setsRoot whether the tar held an entry for the layer root ({@code ./}), whose owner, mode,
 *     times and xattrs it then set; without one a driver gives the root its parent's
 */
public record ApplyResult(Digest diffId, long size, long entries, boolean setsRoot) {

  public ApplyResult {
    Objects.requireNonNull(diffId, "diffId");
    if (size < 0 || entries < 0) {
      throw new IllegalArgumentException("negative size or entry count: " + size + ", " + entries);
    }
  }
}
