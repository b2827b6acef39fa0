package dev.strata.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** How every answer is written: JSON bodies, and errors as {@code {"error": "..."}}. */
final class Answers {

  static final String JSON = "application/json; charset=utf-8";
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Answers() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ObjectNode error(String message) {
    return object().put("error", message);
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      // A tree of our own nodes always serializes; failing here is a bug.
      throw new IllegalStateException("cannot write a JSON answer: " + e.getMessage(), e);
    }
  }

  static void json(Response response, int status, JsonNode body, Callback callback) {
    send(response, status, JSON, bytes(body), callback);
  }

  static void send(Response response, int status, String contentType, byte[] body, Callback callback) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("X-Frame-Options", "DENY");
    response.getHeaders().put("Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** A path, name or method from the request, cut short and stripped of control characters for messages. */
  static String printable(String s) {
    String cut = s.length() > 120 ? s.substring(0, 120) + "..." : s;
    return cut.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
