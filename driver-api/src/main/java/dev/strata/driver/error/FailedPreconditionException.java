package dev.strata.driver.error;

/** The thing exists but is not in a state that allows the operation: it is in use, mounted, has children, or the store is closed. */
public final class FailedPreconditionException extends StorageException {

  public FailedPreconditionException(String subject, String message) {
    super(subject, message, null);
  }

  public FailedPreconditionException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
