package dev.strata.cli;

import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.StorageException;
import dev.strata.driver.error.UnsupportedException;

/**
 * One exit code per kind of failure, documented in README.md. Usage errors are picocli's 2; other
 * I/O failures (disk full, permission denied by the system) are 1.
 */
final class ExitCodes {

  static final int OK = 0;
  static final int IO_ERROR = 1;
  static final int USAGE = 2;
  static final int NOT_FOUND = 3;
  static final int ALREADY_EXISTS = 4;
  static final int FAILED_PRECONDITION = 5;
  static final int INVALID_ARGUMENT = 6;
  static final int UNSUPPORTED = 7;
  static final int CORRUPT = 8;

  private ExitCodes() {}

  static int of(StorageException e) {
    if (e instanceof NotFoundException) {
      return NOT_FOUND;
    } else if (e instanceof AlreadyExistsException) {
      return ALREADY_EXISTS;
    } else if (e instanceof FailedPreconditionException) {
      return FAILED_PRECONDITION;
    } else if (e instanceof InvalidArgumentException) {
      return INVALID_ARGUMENT;
    } else if (e instanceof UnsupportedException) {
      return UNSUPPORTED;
    } else if (e instanceof CorruptException) {
      return CORRUPT;
    }
    throw new IllegalStateException("unmapped storage error " + e.getClass());
  }
}
