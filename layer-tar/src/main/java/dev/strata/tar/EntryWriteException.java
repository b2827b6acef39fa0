package dev.strata.tar;

import dev.strata.driver.error.StorageException;
import java.io.IOException;

/**
 * A file a writer thread could not create, its message already naming the entry: it surfaces later
 * than the entry it concerns, so the applier must not prefix the entry it happens to be at.
 */
final class EntryWriteException extends IOException {

  EntryWriteException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code e} as it should surface for {@code entry}: a storage exception names its entry already. */
  static IOException naming(TarEntry entry, IOException e) {
    return e instanceof StorageException ? e : new EntryWriteException(entry.describe() + ": " + e.getMessage(), e);
  }
}
