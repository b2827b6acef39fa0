package dev.strata.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.util.Optional;

/** The registry's JSON documents: manifests, indexes, token answers, the credentials file. */
final class RegistryJson {

  // Configured once and only read afterwards: an immutable constant in all but type.
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RegistryJson() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serializes", e);
    }
  }

  /** Parses {@code bytes}; {@code what} names the document in the error. */
  static JsonNode parse(byte[] bytes, String what) throws CorruptException {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new CorruptException(what, what + " is empty; expected JSON");
      }
      return node;
    } catch (CorruptException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw new CorruptException(what, what + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CorruptException(what, what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }

  static String requiredText(JsonNode node, String field, String what) throws CorruptException {
    return text(node, field).orElseThrow(() -> new CorruptException(what, what + " lacks the string field '" + field + "'"));
  }

  static Digest digest(JsonNode node, String field, String what) throws CorruptException {
    String text = requiredText(node, field, what);
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CorruptException(what, what + " field '" + field + "': " + e.getMessage(), e);
    }
  }

  static long size(JsonNode node, String what) throws CorruptException {
    JsonNode v = node.get("size");
    if (v == null || !v.canConvertToLong() || v.asLong() < 0) {
      throw new CorruptException(what, what + " lacks a non-negative 'size'");
    }
    return v.asLong();
  }
}
