package dev.strata.image;

import static dev.strata.files.PrintableNames.quoted;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A file of an archive that something points at, with what the pointer promises about it.
 *
 * @param name the archive path, for messages
 * @param file where it is on disk
 * @param digest the sha256 its bytes must have, when the archive says (blob names, descriptors)
 * @param size the length it must have, when a descriptor says
 */
record Blob(String name, Path file, Optional<Digest> digest, OptionalLong size) {

  Blob {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(size, "size");
  }

  /**
   * Reads the file through once and checks the promises.
   *
   * @throws CorruptException naming the blob, the promise and what was found
   */
  void verify() throws IOException {
    if (digest.isEmpty() && size.isEmpty()) {
      return;
    }
    MessageDigest sha256 = Digest.newSha256();
    long length = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha256.update(buffer, 0, n);
        length += n;
      }
    }
    if (size.isPresent() && size.getAsLong() != length) {
      throw new CorruptException(name, "blob " + quoted(name) + " has " + length + " bytes but its descriptor says "
          + size.getAsLong() + "; the archive is truncated or altered");
    }
    Digest actual = Digest.sha256(sha256.digest());
    if (digest.isPresent() && !digest.get().equals(actual)) {
      throw new CorruptException(name, "blob " + quoted(name) + " hashes to " + actual + ", not " + digest.get()
          + "; the archive is corrupt or altered");
    }
  }

}
