package dev.strata.posix;

import jnr.ffi.LastError;

/** Turns libc's -1 convention into exceptions. */
final class Errors {

  private Errors() {}

  static void check(int rc, String call, String subject) throws PosixException {
    if (rc < 0) {
      throw new PosixException(call, subject, LastError.getLastError(Native.RUNTIME));
    }
  }

  static long check(long rc, String call, String subject) throws PosixException {
    if (rc < 0) {
      throw new PosixException(call, subject, LastError.getLastError(Native.RUNTIME));
    }
    return rc;
  }

  static int lastErrno() {
    return LastError.getLastError(Native.RUNTIME);
  }
}
