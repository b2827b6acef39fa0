package dev.strata.registry;

import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A registry's answer with its body still unread: the caller reads {@link #body()} (streaming, for
 * blobs) or {@link #readAll}, and closes the response in every case.
 *
 * @param uri where the answer came from, after redirects
 */
record Response(int status, HttpHeaders headers, InputStream body, URI uri) implements AutoCloseable {

  Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  List<String> headers(String name) {
    return headers.allValues(name);
  }

  OptionalLong contentLength() {
    return headers.firstValueAsLong("Content-Length");
  }

  boolean successful() {
    return status >= 200 && status < 300;
  }

  /**
   * Reads the whole body, refusing more than {@code max} bytes (a manifest or token answer is
   * small; a server sending more is broken or hostile).
   */
  byte[] readAll(long max, String what) throws IOException {
    byte[] bytes = body.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
    if (bytes.length > max) {
      throw new CorruptException(what, what + " from " + Redaction.uri(uri) + " is larger than " + max + " bytes");
    }
    return bytes;
  }

  @Override
  public void close() throws IOException {
    body.close();
  }
}
