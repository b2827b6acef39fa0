package dev.strata.registry;

import dev.strata.driver.Digest;
import java.nio.file.Path;
import java.util.Objects;

/** A blob ready to upload: its bytes in {@code file}, hashed and measured while they were written. */
record StagedBlob(Path file, Digest digest, long size) {

  StagedBlob {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("negative blob size " + size + " for " + digest);
    }
  }
}
