package dev.strata.volume;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A volume as the store saw it at one moment: a directory that outlives containers.
 *
 * @param name the volume's name ({@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}, or 64 hex digits when
 *     anonymous)
 * @param driver always {@code local} today
 * @param mountpoint {@code <root>/volumes/<name>/_data}, where containers' mounts take it from
 * @param createdAt when it was created
 * @param labels user labels; anonymous volumes carry {@link #ANONYMOUS_LABEL}
 * @param options the driver options it was created with ({@code type}, {@code device}, {@code o},
 *     {@code size}); a password in {@code o} is kept here but never printed by the store
 * @param references ids of the containers using it; a referenced volume cannot be removed
 * @param mounts ids of the outstanding {@link VolumeStore#mount} calls
 */
public record Volume(
    String name,
    String driver,
    Path mountpoint,
    Instant createdAt,
    Map<String, String> labels,
    Map<String, String> options,
    Set<String> references,
    Set<String> mounts) {

  /** Docker's label on anonymous volumes; {@code prune} without {@code --all} takes only these. */
  public static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";

  public Volume {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(mountpoint, "mountpoint");
    Objects.requireNonNull(createdAt, "createdAt");
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    references = java.util.Collections.unmodifiableSet(new TreeSet<>(references));
    mounts = java.util.Collections.unmodifiableSet(new TreeSet<>(mounts));
  }

  /** True for a volume created without a name (by {@code -v /dst} or an image's VOLUME). */
  public boolean anonymous() {
    return labels.containsKey(ANONYMOUS_LABEL);
  }

  /** True when no container references it (Docker's {@code dangling}). */
  public boolean dangling() {
    return references.isEmpty();
  }

  /** True when it mounts a filesystem of its own ({@code type} or {@code device} given). */
  public boolean mountsFilesystem() {
    return options.containsKey("type") || options.containsKey("device");
  }

  /** Like the record's own, with {@link #printableOptions}: a logged volume shows no password. */
  @Override
  public String toString() {
    return "Volume[name=" + name + ", driver=" + driver + ", mountpoint=" + mountpoint + ", createdAt=" + createdAt
        + ", labels=" + labels + ", options=" + printableOptions() + ", references=" + references
        + ", mounts=" + mounts + "]";
  }

  /** The options as they may be shown: a password in {@code o} is masked. */
  public Map<String, String> printableOptions() {
    Map<String, String> shown = new TreeMap<>(options);
    shown.computeIfPresent("o", (k, v) -> Passwords.mask(v));
    return java.util.Collections.unmodifiableMap(shown);
  }
}
