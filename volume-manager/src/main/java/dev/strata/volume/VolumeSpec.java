package dev.strata.volume;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a volume is created with, as {@code docker volume create} takes it.
 *
 * <pre>{@code
 * volumes.create(new VolumeSpec(Optional.of("pgdata"), VolumeStore.LOCAL, Map.of(), Map.of("app", "db")));
 * volumes.create(new VolumeSpec(Optional.empty(), VolumeStore.LOCAL,            // anonymous, on tmpfs
 *     Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=64m"), Map.of()));
 * }</pre>
 *
 * The record checks only its own shape. Whether the store can honour it (a driver it has, a name
 * Docker accepts, options the local driver knows, a size the filesystem can enforce) is user input
 * that {@link VolumeStore#create(VolumeSpec)} checks, answering with the store's own exceptions.
 *
 * @param name the volume's name, or empty for an anonymous volume (64 hex digits, labelled
 *     {@link Volume#ANONYMOUS_LABEL})
 * @param driver the volume driver; only {@link VolumeStore#LOCAL} is built in
 * @param options the driver's options ({@code type}, {@code device}, {@code o}, {@code size}), in
 *     the order given
 * @param labels user labels
 * @throws IllegalArgumentException for an option or label with an empty key
 */
public record VolumeSpec(Optional<String> name, String driver, Map<String, String> options, Map<String, String> labels) {

  public VolumeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(driver, "driver");
    options = copy(options, "option");
    labels = copy(labels, "label");
  }

  private static Map<String, String> copy(Map<String, String> entries, String kind) {
    Objects.requireNonNull(entries, kind + "s");
    Map<String, String> copy = new LinkedHashMap<>();
    entries.forEach((key, value) -> {
      Objects.requireNonNull(key, () -> "a volume " + kind + " has a null key");
      Objects.requireNonNull(value, () -> "volume " + kind + " '" + key + "' has a null value");
      if (key.isEmpty()) {
        // An option's value may be a password (o=...,password=...): only a label's is quoted.
        throw new IllegalArgumentException("a volume " + kind + " has an empty key"
            + (kind.equals("label") ? ": '=" + value + "'" : ""));
      }
      copy.put(key, value);
    });
    return Collections.unmodifiableMap(copy);
  }
}
