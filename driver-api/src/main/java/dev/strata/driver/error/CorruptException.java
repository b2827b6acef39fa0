package dev.strata.driver.error;

/** Data on disk or in an archive is broken or hostile: bad checksum, truncated stream, an entry that escapes its root, content that does not match its digest. */
public final class CorruptException extends StorageException {

  public CorruptException(String subject, String message) {
    super(subject, message, null);
  }

  public CorruptException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
