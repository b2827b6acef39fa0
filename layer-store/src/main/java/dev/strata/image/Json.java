package dev.strata.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading and writing the small JSON documents of image metadata and archives. */
final class Json {

  /** The largest JSON document read (a config with a long history is well under a megabyte). */
  static final long MAX_DOCUMENT = 32L << 20;

  // Configured once and only read afterwards: an immutable constant in all but type.
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serializes", e);
    }
  }

  /** Parses {@code bytes}; {@code what} names the document in the error. */
  static JsonNode parse(byte[] bytes, String what) throws CorruptException {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new CorruptException(what, what + " is empty; expected a JSON document");
      }
      return node;
    } catch (CorruptException e) {
      throw e;
    } catch (IOException e) {
      throw new CorruptException(what, what + " is not valid JSON: "
          + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
    }
  }

  /** Reads a file of at most {@link #MAX_DOCUMENT} bytes. */
  static byte[] read(Path file, String what) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) MAX_DOCUMENT + 1);
      if (bytes.length > MAX_DOCUMENT) {
        throw new CorruptException(what, what + " is larger than " + MAX_DOCUMENT + " bytes; not an image document");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new CorruptException(what, what + " is missing from the archive");
    }
  }

  /** A required text field. */
  static String text(JsonNode node, String field, String what) throws CorruptException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new CorruptException(what, what + ": field '" + field + "' is missing or not a string");
    }
    return value.asText();
  }

  /** A required array field. */
  static JsonNode array(JsonNode node, String field, String what) throws CorruptException {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw new CorruptException(what, what + ": field '" + field + "' is missing or not an array");
    }
    return value;
  }
}
