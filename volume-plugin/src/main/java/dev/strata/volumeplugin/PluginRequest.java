package dev.strata.volumeplugin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The body of one plugin call: {@code {"Name": ..., "Opts": {...}, "ID": ...}}, each field present
 * only when the call takes it. Docker's field names are matched exactly, as Go's decoder on the
 * other side writes them; fields this version does not know are ignored, so a newer Docker may add
 * some.
 *
 * @param name the volume's name, empty for calls without one; the store checks it against its
 *     naming rule before it touches a path
 * @param options {@code Opts} of {@code VolumeDriver.Create}, in the order sent ({@code null} is no
 *     options)
 * @param id Docker's mount id of {@code Mount} and {@code Unmount}, empty otherwise
 */
record PluginRequest(String name, Map<String, String> options, String id) {

  // Immutable once made; the mapper behind it is never reachable, so this is a constant.
  private static final ObjectReader READER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .reader();

  PluginRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(id, "id");
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /**
   * Reads the body of a call to {@code endpoint}. A call that takes nothing ignores its body
   * (Docker sends {@code null} or {@code {}}).
   *
   * @throws BadRequestException (400) for a body that is not a JSON object or lacks a field
   */
  static PluginRequest parse(Endpoint endpoint, byte[] body) throws BadRequestException {
    if (!endpoint.needsName()) {
      return new PluginRequest("", Map.of(), "");
    }
    JsonNode tree;
    try {
      tree = READER.readTree(body);
    } catch (JsonProcessingException e) {
      throw bad(endpoint, "body is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw bad(endpoint, "body cannot be read: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw bad(endpoint, "body must be a JSON object", null);
    }
    String name = text(endpoint, tree, "Name");
    String id = endpoint.needsId() ? text(endpoint, tree, "ID") : "";
    Map<String, String> options = endpoint == Endpoint.CREATE ? options(endpoint, tree.get("Opts")) : Map.of();
    return new PluginRequest(name, options, id);
  }

  private static String text(Endpoint endpoint, JsonNode tree, String field) throws BadRequestException {
    JsonNode value = tree.get(field);
    if (value == null || value.isNull()) {
      throw bad(endpoint, "missing \"" + field + "\"", null);
    }
    if (!value.isTextual()) {
      throw bad(endpoint, "\"" + field + "\" must be a string, not " + value.getNodeType().name().toLowerCase(), null);
    }
    return value.textValue();
  }

  private static Map<String, String> options(Endpoint endpoint, JsonNode opts) throws BadRequestException {
    if (opts == null || opts.isNull()) {
      return Map.of();
    }
    if (!opts.isObject()) {
      throw bad(endpoint, "\"Opts\" must be an object of strings", null);
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = opts.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        // The value may be a password: only the key is quoted.
        throw bad(endpoint, "option \"" + e.getKey() + "\" must be a string", null);
      }
      options.put(e.getKey(), e.getValue().textValue());
    }
    return options;
  }

  private static BadRequestException bad(Endpoint endpoint, String problem, Throwable cause) {
    return new BadRequestException(400, endpoint.method() + ": " + problem, cause);
  }
}
