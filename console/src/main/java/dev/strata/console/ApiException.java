package dev.strata.console;

/**
 * A request the API refuses, with the HTTP status to answer and a message saying what was wrong
 * and what to do instead.
 */
class ApiException extends Exception {

  private final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
