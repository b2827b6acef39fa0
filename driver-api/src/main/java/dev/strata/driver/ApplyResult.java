package dev.strata.driver;

import java.util.Objects;

/**
 * What applying a layer tar did.
 *
 * @param diffId sha256 of the whole uncompressed tar stream, trailing padding included
 * @param size bytes of regular-file content written (Docker's layer "size")
 * @param entries tar entries processed, whiteouts included
 */
public record ApplyResult(Digest diffId, long size, long entries) {

  public ApplyResult {
    Objects.requireNonNull(diffId, "diffId");
    if (size < 0 || entries < 0) {
      throw new IllegalArgumentException("negative size or entry count: " + size + ", " + entries);
    }
  }
}
