package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.StorageException;
import dev.strata.json.Json;
import java.io.IOException;

/**
 * Turns an unsuccessful registry answer into the storage error family. 401 after the transport
 * answered the challenge and 403 are {@link FailedPreconditionException}s (the operator must log in
 * or get access), 404 is {@link NotFoundException}, a retryable status that outlived the retries is
 * {@link FailedPreconditionException}, and any other status is {@link InvalidArgumentException} (the
 * registry rejected what was asked). The registry's own error code and message are quoted; request
 * headers never are.
 */
final class HttpErrors {

  private static final int MAX_ERROR_BODY = 64 * 1024;

  private HttpErrors() {}

  /**
   * Returns {@code response} if successful; otherwise closes it and throws.
   *
   * @param subject what the error is about, e.g. the image name or blob digest
   * @param what the thing asked for, e.g. {@code "manifest busybox:latest"}
   * @param registry the registry as users name it, for the login hint
   */
  static Response check(Response response, String subject, String what, String registry) throws IOException {
    if (response.successful()) {
      return response;
    }
    try (response) {
      throw error(response.status(), registryMessage(response), subject, what, registry);
    }
  }

  static StorageException error(int status, String detail, String subject, String what, String registry) {
    String suffix = detail.isEmpty() ? "" : " (registry says: " + detail + ")";
    return switch (status) {
      case 401 -> new FailedPreconditionException(subject, "unauthorized: " + registry + " refused " + what
          + " without valid credentials" + suffix + "; check `strata login " + registry + "`");
      case 403 -> new FailedPreconditionException(subject, "denied: " + registry + " does not allow " + what
          + " for these credentials" + suffix);
      case 404 -> new NotFoundException(subject, what + " not found on " + registry + suffix);
      default -> RetryPolicy.retryable(status)
          ? new FailedPreconditionException(subject, registry + " kept failing " + what + " with HTTP " + status
              + " after every retry" + suffix + "; try again later")
          : new InvalidArgumentException(subject, registry + " rejected " + what + " with HTTP " + status + suffix);
    };
  }

  // {"errors":[{"code":"MANIFEST_UNKNOWN","message":"..."}]}; HEAD answers and non-JSON bodies give "".
  private static String registryMessage(Response response) {
    try {
      byte[] body = response.body().readNBytes(MAX_ERROR_BODY);
      if (body.length == 0) {
        return "";
      }
      JsonNode errors = Json.parse(body, "error body").get("errors");
      if (errors == null || !errors.isArray() || errors.isEmpty()) {
        return "";
      }
      StringBuilder b = new StringBuilder();
      for (JsonNode e : errors) {
        if (b.length() > 0) {
          b.append("; ");
        }
        b.append(Json.text(e, "code").orElse("?")).append(' ').append(Json.text(e, "message").orElse(""));
      }
      return b.toString().strip();
    } catch (IOException e) {
      return "";
    }
  }
}
