package dev.strata.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.error.CorruptException;
import dev.strata.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an image config says a container runs: its {@code config} object's {@code Entrypoint},
 * {@code Cmd}, {@code Env}, {@code WorkingDir} and {@code User}. Bounded, since the config comes
 * from whoever built the archive: a process gets at most {@link #MAX_STRINGS} arguments or
 * variables of at most {@link #MAX_STRING} characters each, none with a NUL (which {@code execve}
 * cannot carry).
 *
 * @param entrypoint the {@code Entrypoint}, empty when none
 * @param cmd the {@code Cmd}, empty when none
 * @param env the {@code Env}, {@code KEY=value} each
 * @param workingDir the {@code WorkingDir}, empty when none
 * @param user the {@code User} ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid}), empty
 *     for root
 */
record ImageProcess(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {

  static final int MAX_STRINGS = 4096;
  static final int MAX_STRING = 128 * 1024;

  /** An image that says nothing: root in {@code /}, no command. */
  static final ImageProcess NONE = new ImageProcess(List.of(), List.of(), List.of(), "", "");

  ImageProcess {
    entrypoint = checked("Entrypoint", entrypoint);
    cmd = checked("Cmd", cmd);
    env = checked("Env", env);
    checkString("WorkingDir", Objects.requireNonNull(workingDir, "workingDir"));
    checkString("User", Objects.requireNonNull(user, "user"));
  }

  /**
   * Reads the process of the image config {@code json}.
   *
   * @throws CorruptException if the config is not JSON, or a field has the wrong type or breaks a bound
   */
  static ImageProcess parse(byte[] json, String what) throws CorruptException {
    JsonNode root = Json.parse(json, what);
    JsonNode config = root.path("config");
    if (config.isMissingNode() || config.isNull()) {
      return NONE;
    }
    if (!config.isObject()) {
      throw new CorruptException(what, what + ": 'config' is not an object");
    }
    try {
      return new ImageProcess(strings(config, "Entrypoint", what), strings(config, "Cmd", what),
          strings(config, "Env", what), text(config, "WorkingDir", what), text(config, "User", what));
    } catch (IllegalArgumentException e) {
      throw new CorruptException(what, what + ": " + e.getMessage(), e);
    }
  }

  /** {@code Entrypoint} then {@code command}, or then {@code Cmd} when {@code command} is empty, as {@code docker run} does. */
  List<String> args(List<String> command) {
    List<String> args = new ArrayList<>(entrypoint);
    args.addAll(command.isEmpty() ? cmd : command);
    return List.copyOf(args);
  }

  private static List<String> strings(JsonNode config, String field, String what) throws CorruptException {
    JsonNode node = config.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new CorruptException(what, what + ": config." + field + " is not an array of strings");
    }
    if (node.size() > MAX_STRINGS) {
      throw new CorruptException(what, what + ": config." + field + " has " + node.size() + " entries, more than "
          + MAX_STRINGS);
    }
    List<String> values = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new CorruptException(what, what + ": config." + field + " holds " + item.getNodeType()
            + ", not only strings");
      }
      values.add(item.asText());
    }
    return values;
  }

  private static String text(JsonNode config, String field, String what) throws CorruptException {
    JsonNode node = config.get(field);
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      throw new CorruptException(what, what + ": config." + field + " is not a string");
    }
    return node.asText();
  }

  private static List<String> checked(String field, List<String> values) {
    if (values.size() > MAX_STRINGS) {
      throw new IllegalArgumentException(field + " has " + values.size() + " entries, more than " + MAX_STRINGS);
    }
    values.forEach(v -> checkString(field, v));
    return List.copyOf(values);
  }

  private static void checkString(String field, String value) {
    if (value.length() > MAX_STRING) {
      throw new IllegalArgumentException(field + " holds a string of " + value.length() + " characters, more than "
          + MAX_STRING);
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(field + " holds a string with a NUL character, which a process cannot be given");
    }
  }
}
