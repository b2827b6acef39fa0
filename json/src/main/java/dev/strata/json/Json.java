package dev.strata.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The one way Strata reads and writes JSON: image configs and archive indexes, tag files,
 * container and volume records, registry manifests and answers, the credentials file, tar-split
 * records and the command's {@code --format json} output.
 *
 * <p>Documents are read as trees ({@link #parse}) or bound to a record ({@link #value}); fields are
 * taken with the accessors below, whose errors name the document ({@code what}) and the field, so
 * a bad document reads the same wherever it came from. A malformed document is a {@link
 * CorruptException}. Output is compact ({@link #bytes}: bytes that are hashed or stored) or
 * indented ({@link #prettyBytes}, {@link #prettyString}: what people read).
 *
 * <p>This is the one public Strata API that shows Jackson types (its trees, and the streaming
 * generator and parser of tar-split records): every other module keeps them inside
 * package-private classes.
 */
public final class Json {

  // ObjectReader and ObjectWriter are immutable and thread-safe; the mapper that makes them is
  // never reachable once they are made, so these are constants, not shared mutable state.
  private static final ObjectReader READER;
  private static final ObjectWriter COMPACT;

  static {
    ObjectMapper mapper = new ObjectMapper();
    // Docker's and other tools' files carry fields Strata does not model.
    READER = mapper.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    COMPACT = mapper.writer();
  }

  private static final ObjectReader STRING_MAP = READER.forType(new TypeReference<Map<String, String>>() {});
  private static final ObjectWriter PRETTY = COMPACT.withDefaultPrettyPrinter();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /** A new, empty JSON object to fill. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** A new, empty JSON array to fill. */
  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /**
   * {@code value} (a tree, a record, a map or list of plain values) as compact UTF-8 JSON: the
   * form that is stored and hashed.
   *
   * @throws IllegalArgumentException if {@code value} is of a type that has no JSON form
   */
  public static byte[] bytes(Object value) {
    try {
      return COMPACT.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw unwritable(value, e);
    }
  }

  /** {@code value} as indented UTF-8 JSON; see {@link #bytes}. */
  public static byte[] prettyBytes(Object value) {
    try {
      return PRETTY.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw unwritable(value, e);
    }
  }

  /** {@code value} as indented JSON text, for output people read; see {@link #bytes}. */
  public static String prettyString(Object value) {
    try {
      return PRETTY.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw unwritable(value, e);
    }
  }

  /**
   * Parses a JSON document of any shape.
   *
   * @param what names the document in errors, e.g. {@code "manifest sha256:… of busybox"}
   * @throws CorruptException if {@code bytes} are empty or not JSON
   */
  public static JsonNode parse(byte[] bytes, String what) throws CorruptException {
    try {
      JsonNode node = READER.readTree(bytes);
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

  /**
   * Binds a document to {@code type} (a record, say), ignoring fields the type does not have.
   * Returns null for the literal {@code null}.
   *
   * @throws IOException Jackson's, saying what is wrong and where; the caller knows whose file it is
   */
  public static <T> T value(byte[] bytes, Class<T> type) throws IOException {
    return READER.forType(type).readValue(bytes);
  }

  /**
   * A JSON object whose values are strings (numbers and booleans read as their text). Returns null
   * for the literal {@code null}.
   *
   * @throws IOException Jackson's, as for {@link #value}
   */
  public static Map<String, String> stringMap(byte[] bytes) throws IOException {
    return STRING_MAP.readValue(bytes);
  }

  /** The string {@code field} of {@code node}; empty when absent or not a string. */
  public static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
  }

  /**
   * The string {@code field} of {@code node}.
   *
   * @throws CorruptException naming {@code what} and the field when it is absent or not a string
   */
  public static String requiredText(JsonNode node, String field, String what) throws CorruptException {
    return text(node, field).orElseThrow(() -> missing(what, field, "a string"));
  }

  /**
   * The array {@code field} of {@code node}.
   *
   * @throws CorruptException naming {@code what} and the field when it is absent or not an array
   */
  public static JsonNode requiredArray(JsonNode node, String field, String what) throws CorruptException {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw missing(what, field, "an array");
    }
    return value;
  }

  /**
   * The non-negative integer {@code field} of {@code node}, such as a descriptor's {@code size}.
   *
   * @throws CorruptException naming {@code what} and the field when it is absent, not an integer
   *     or negative
   */
  public static long nonNegativeLong(JsonNode node, String field, String what) throws CorruptException {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToLong() || value.asLong() < 0) {
      throw missing(what, field, "a non-negative integer");
    }
    return value.asLong();
  }

  /**
   * The digest in the string {@code field} of {@code node} ({@code sha256:} and 64 hex digits).
   *
   * @throws CorruptException naming {@code what} and the field when it is absent or not a digest
   */
  public static Digest digest(JsonNode node, String field, String what) throws CorruptException {
    String text = requiredText(node, field, what);
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CorruptException(what, what + ": field '" + field + "': " + e.getMessage(), e);
    }
  }

  /**
   * A streaming writer of UTF-8 JSON values into {@code out}, for records too large to hold as a
   * tree (a layer's tar-split). Closing it closes {@code out}.
   */
  public static JsonGenerator generator(OutputStream out) throws IOException {
    // A factory per stream, as Jackson's streaming API is built: it is cheap next to the stream.
    return new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
  }

  /** A streaming reader of the JSON values in {@code in}; closing it closes {@code in}. */
  public static JsonParser parser(InputStream in) throws IOException {
    return new JsonFactory().createParser(in);
  }

  private static CorruptException missing(String what, String field, String kind) {
    return new CorruptException(what, what + ": field '" + field + "' is missing or not " + kind);
  }

  private static IllegalArgumentException unwritable(Object value, JsonProcessingException e) {
    return new IllegalArgumentException("a " + value.getClass().getName() + " cannot be written as JSON: "
        + e.getOriginalMessage(), e);
  }
}
