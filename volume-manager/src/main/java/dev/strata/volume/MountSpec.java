package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One mount a container asks for, parsed from Docker's {@code -v}, {@code --mount} or
 * {@code --tmpfs} syntax. Validated on construction; the parsers quote the bad part of the spec.
 *
 * @param type what is mounted
 * @param source bind: the absolute host path; volume: the volume name, empty for an anonymous
 *     volume; tmpfs: always empty
 * @param target the absolute, cleaned destination inside the container (never {@code /})
 * @param readOnly mounted read-only
 * @param relabel SELinux relabel of the source before mounting ({@code z}, {@code Z})
 * @param propagation binds only (default {@link Propagation#RPRIVATE}); empty for other types
 * @param copy volumes only: populate an empty volume from the image's directory at the target
 *     (Docker's default true, {@code nocopy} turns it off); always false for other types
 * @param createSource binds only: a missing source directory is created at mount ({@code -v})
 *     rather than refused ({@code --mount} without {@code bind-create-src})
 * @param options volume: the driver options for a volume this mount creates ({@code volume-opt});
 *     tmpfs: mount data in order ({@code size=65536k}, {@code mode=1777}, {@code noexec}, flags
 *     map to an empty value); bind: empty
 * @param labels volume: labels for a volume this mount creates ({@code volume-label})
 * @param subpath volume: a relative path inside the volume to mount instead of its root
 */
public record MountSpec(
    Type type,
    Optional<String> source,
    String target,
    boolean readOnly,
    Relabel relabel,
    Optional<Propagation> propagation,
    boolean copy,
    boolean createSource,
    Map<String, String> options,
    Map<String, String> labels,
    Optional<String> subpath) {

  /** What a {@link MountSpec} mounts. */
  public enum Type {
    BIND,
    VOLUME,
    TMPFS
  }

  /** SELinux relabel requested on a mount. */
  public enum Relabel {
    NONE,
    /** {@code z}: level {@code s0}, usable by every container. */
    SHARED,
    /** {@code Z}: the container's own MCS pair. */
    PRIVATE
  }

  /** Mount propagation of a bind, as {@code mount --make-*} names it. */
  public enum Propagation {
    PRIVATE("private"),
    RPRIVATE("rprivate"),
    SHARED("shared"),
    RSHARED("rshared"),
    SLAVE("slave"),
    RSLAVE("rslave");

    private final String option;

    Propagation(String option) {
      this.option = option;
    }

    /** The mount option ({@code rprivate}). */
    public String option() {
      return option;
    }
  }

  public MountSpec {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(relabel, "relabel");
    Objects.requireNonNull(propagation, "propagation");
    Objects.requireNonNull(subpath, "subpath");
    options = Map.copyOf(options); // TODO(parser): keep order for tmpfs data
    labels = Map.copyOf(labels);
  }

  /** True for a volume mount without a source: the volume is created with a random name. */
  public boolean anonymous() {
    return type == Type.VOLUME && source.isEmpty();
  }

  /**
   * Parses Docker's {@code -v} / {@code --volume} syntax: {@code [src:]dst[:opts]}.
   *
   * @throws InvalidArgumentException naming the spec and what is wrong with it
   */
  public static MountSpec parseVolume(String spec) throws InvalidArgumentException {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Parses Docker's {@code --mount} CSV syntax ({@code type=bind,source=/x,target=/y,readonly}).
   *
   * @throws InvalidArgumentException naming the spec and what is wrong with it
   */
  public static MountSpec parseMount(String spec) throws InvalidArgumentException {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Parses Docker's {@code --tmpfs dst[:opts]} syntax.
   *
   * @throws InvalidArgumentException naming the spec and what is wrong with it
   */
  public static MountSpec parseTmpfs(String spec) throws InvalidArgumentException {
    throw new UnsupportedOperationException("TODO");
  }
}
