package dev.strata.volumeplugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The JSON answers of the plugin protocol, the calls' and the failures' alike. */
final class PluginAnswers {

  /** The content type of Docker's plugin protocol, version 1.2. */
  static final String CONTENT_TYPE = "application/vnd.docker.plugins.v1.2+json";

  // Immutable once made; the mapper behind it is never reachable, so this is a constant.
  private static final ObjectWriter WRITER = new ObjectMapper().writer();

  private PluginAnswers() {}

  /** {@code {"Err": message}}; never an empty Err, which Docker would read as success. */
  static ObjectNode error(String message) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("Err", message == null || message.isEmpty() ? "strata: the call failed without a message" : message);
    return node;
  }

  static byte[] bytes(ObjectNode answer) {
    try {
      return WRITER.writeValueAsBytes(answer);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a tree of strings did not serialise", e);
    }
  }

  /** Writes {@code answer} with {@code status} as the whole response. */
  static void send(Response response, int status, ObjectNode answer, Callback callback) {
    byte[] bytes = bytes(answer);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
