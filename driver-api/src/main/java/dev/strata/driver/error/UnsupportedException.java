package dev.strata.driver.error;

/** The driver, kernel or filesystem cannot do what was asked (quota on ext4, device nodes without CAP_MKNOD). */
public final class UnsupportedException extends StorageException {

  public UnsupportedException(String subject, String message) {
    super(subject, message, null);
  }

  public UnsupportedException(String subject, String message, Throwable cause) {
    super(subject, message, cause);
  }
}
