package dev.strata.volumeplugin;

/**
 * A request the protocol does not allow: a wrong method or path, a body too large, not JSON, or
 * without a field the call needs. Answered with the HTTP status and, as every answer, an
 * {@code Err} naming the problem. A request that is well formed but fails in the store is no
 * such exception: it is answered {@code 200} with the store's own message.
 */
final class BadRequestException extends Exception {

  private final int status;

  BadRequestException(int status, String message) {
    super(message);
    this.status = status;
  }

  BadRequestException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status to answer with. */
  int status() {
    return status;
  }
}
