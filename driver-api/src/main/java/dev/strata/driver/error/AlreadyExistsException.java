package dev.strata.driver.error;

/** Something with that name or id already exists. */
public final class AlreadyExistsException extends StorageException {

  public AlreadyExistsException(String subject, String message) {
    super(subject, message, null);
  }

  public AlreadyExistsException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
