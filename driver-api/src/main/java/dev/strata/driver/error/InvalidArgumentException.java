package dev.strata.driver.error;

/** An argument (id, option, spec) is malformed or out of range; nothing was changed. */
public final class InvalidArgumentException extends StorageException {

  public InvalidArgumentException(String subject, String message) {
    super(subject, message, null);
  }

  public InvalidArgumentException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
