package dev.strata.driver.error;

import java.io.IOException;
import java.util.Objects;

/**
 * The closed vocabulary of storage failures. Every error Strata raises on purpose is one of the
 * permitted subclasses, so a caller (or the CLI, which maps each kind to one exit code) can
 * switch over the kind instead of parsing messages.
 *
 * <p>Each exception names its subject (a layer id, a path, a tar entry, a volume name) and says
 * what went wrong; {@link #getMessage()} is written for an operator to read.
 */
public abstract sealed class StorageException extends IOException
    permits NotFoundException,
        AlreadyExistsException,
        FailedPreconditionException,
        InvalidArgumentException,
        UnsupportedException,
        CorruptException {

  private final String subject;

  StorageException(String subject, String message, Throwable cause) {
    super(message, cause);
    this.subject = Objects.requireNonNull(subject, "subject");
  }

  /** The thing the failure is about: a layer id, a path, an archive entry, a volume name. */
  public String subject() {
    return subject;
  }
}
