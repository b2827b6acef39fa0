package dev.strata.driver.error;

/** The named thing (layer, parent, path, volume) does not exist. */
public final class NotFoundException extends StorageException {

  public NotFoundException(String subject, String message) {
    super(subject, message, null);
  }

  public NotFoundException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
