package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One {@code key[=value]} field of a {@code --mount} spec, checked for form but not meaning: the
 * key is lower-cased and aliases folded ({@code src} is {@code source}, {@code dst} and {@code
 * destination} are {@code target}, {@code ro} is {@code readonly}).
 *
 * @param key the canonical key
 * @param field the field as written, for messages
 * @param value empty only for the value-less keys ({@code readonly}, {@code volume-nocopy},
 *     {@code bind-create-src})
 */
record MountOption(String key, String field, Optional<String> value) {

  private static final Map<String, String> ALIASES = Map.of(
      "src", "source", "dst", "target", "destination", "target", "ro", "readonly");
  private static final Set<String> VALUE_LESS = Set.of("readonly", "volume-nocopy", "bind-create-src");
  /** Keys that may repeat, once per sub-key. */
  private static final Set<String> REPEATABLE = Set.of("volume-opt", "volume-label");

  /**
   * Splits {@code spec} and checks each field: not empty, no whitespace around the key or value,
   * no empty value, a value where one is needed, each key at most once.
   */
  static List<MountOption> parseAll(String spec, Function<String, InvalidArgumentException> fail)
      throws InvalidArgumentException {
    List<MountOption> options = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String field : CsvFields.split(spec, fail)) {
      MountOption option = parse(field, fail);
      if (!REPEATABLE.contains(option.key) && !seen.add(option.key)) {
        throw fail.apply("cannot pass '" + option.key + "' more than once");
      }
      options.add(option);
    }
    return options;
  }

  private static MountOption parse(String field, Function<String, InvalidArgumentException> fail)
      throws InvalidArgumentException {
    int eq = field.indexOf('=');
    String given = eq < 0 ? field : field.substring(0, eq);
    if (given.isEmpty()) {
      throw fail.apply("invalid field '" + field + "': the key is empty");
    }
    if (!given.strip().equals(given)) {
      throw fail.apply("invalid field '" + field + "': whitespace around the key");
    }
    String lower = given.toLowerCase(Locale.ROOT);
    String key = ALIASES.getOrDefault(lower, lower);
    if (key.equals("bind-nonrecursive")) {
      throw fail.apply("bind-nonrecursive is deprecated, use bind-recursive=disabled instead");
    }
    if (eq < 0) {
      if (!VALUE_LESS.contains(key)) {
        throw fail.apply("invalid field '" + field + "' must be a key=value pair");
      }
      return new MountOption(key, field, Optional.empty());
    }
    String value = field.substring(eq + 1);
    if (value.isEmpty()) {
      throw fail.apply("invalid field '" + field + "': the value is empty");
    }
    if (!value.strip().equals(value)) {
      throw fail.apply("invalid field '" + field + "': whitespace around the value");
    }
    return new MountOption(key, field, Optional.of(value));
  }

  /** The value of a key that needs one; {@link #parseAll} has made sure it is there. */
  String text() {
    return value.orElseThrow();
  }

  /** A boolean as the docker CLI takes it: absent means true; otherwise 1, true, 0 or false. */
  boolean bool(Function<String, InvalidArgumentException> fail) throws InvalidArgumentException {
    String v = value.orElse("true");
    return switch (v) {
      case "1", "true" -> true;
      case "0", "false" -> false;
      default -> throw fail.apply("invalid value for " + key + ": '" + v + "' (must be 1, true, 0 or false)");
    };
  }
}
