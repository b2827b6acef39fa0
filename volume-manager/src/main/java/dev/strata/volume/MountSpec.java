package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One mount a container asks for, parsed from Docker's {@code -v}, {@code --mount} or
 * {@code --tmpfs} syntax. Validated on construction; the parsers quote the bad part of the spec.
 *
 * <p>The parsers follow Docker's daemon and CLI, with a few stricter choices each parser's
 * javadoc lists: {@code ..} or {@code \} in a destination, relative bind sources ({@code ./x}),
 * unknown tmpfs options and empty {@code volume-opt}/{@code volume-label} keys are refused.
 *
 * <pre>{@code
 * MountSpec data = MountSpec.parseVolume("data:/var/lib/db:ro");  // named volume, read-only
 * MountSpec src = MountSpec.parseMount("type=bind,src=/srv/app,dst=/app,bind-propagation=rslave");
 * MountSpec run = MountSpec.parseTmpfs("/run:size=64m,noexec");  // options {size=64m, noexec=}
 * MountSpec.checkDestinations(List.of(data, src, run));           // no two share a destination
 * }</pre>
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
 *     tmpfs: mount data in order ({@code size=64m}, {@code mode=1777}, {@code noexec}, flags
 *     map to an empty value, {@code ro}/{@code rw} are {@link #readOnly}); bind: {@code
 *     bind-recursive} ({@code disabled}, {@code writable} or {@code readonly}) when not the
 *     default {@code enabled}
 * @param labels volume: labels for a volume this mount creates ({@code volume-label})
 * @param subpath named volume: a clean relative path inside the volume to mount instead of its
 *     root
 * @throws IllegalArgumentException when the fields do not make a mount (a relative target, a
 *     propagation on a volume, a source on a tmpfs ...); the parsers never build such a spec
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
    // Ordered: tmpfs mount data is passed to the kernel as written.
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    options.forEach(MountSpec::requireEntry);
    labels.forEach(MountSpec::requireEntry);
    Optional<String> problem = MountPaths.targetProblem(target);
    require(problem.isEmpty(), problem.orElse(""));
    require(MountPaths.clean(target).equals(target), "target is not clean: '" + target + "'");
    require(!copy || type == Type.VOLUME, "copy modes only valid for volumes");
    require(!createSource || type == Type.BIND, "createSource only valid for bind mounts");
    require(propagation.isPresent() == (type == Type.BIND),
        type == Type.BIND ? "a bind needs a propagation" : "propagation only valid for bind mounts");
    require(subpath.isEmpty() || (type == Type.VOLUME && source.isPresent()),
        "subpath only valid for named volumes, not '" + subpath.orElse("") + "'");
    subpath.ifPresent(p -> require(MountPaths.subpathProblem(p).isEmpty()
        && MountPaths.cleanSubpath(p).equals(subpath), "subpath is not clean and relative: '" + p + "'"));
    require(type == Type.VOLUME || labels.isEmpty(), "labels only valid for volumes");
    switch (type) {
      case BIND -> {
        require(source.filter(s -> s.startsWith("/") && MountPaths.clean(s).equals(s)).isPresent(),
            "a bind needs an absolute, clean source, not '" + source.orElse("") + "'");
        require(options.keySet().stream().allMatch("bind-recursive"::equals),
            "a bind takes no options but bind-recursive: " + options);
      }
      case VOLUME -> require(source.isEmpty() || VolumeNames.valid(source.get()),
          "invalid volume name '" + source.orElse("") + "'");
      case TMPFS -> {
        require(source.isEmpty(), "a tmpfs has no source, not '" + source.orElse("") + "'");
        require(relabel == Relabel.NONE, "relabel only valid for bind and volume mounts");
      }
    }
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
    return VolumeSpecParser.parse(spec);
  }

  /**
   * Parses Docker's {@code --mount} CSV syntax ({@code type=bind,source=/x,target=/y,readonly}).
   *
   * @throws InvalidArgumentException naming the spec and what is wrong with it
   */
  public static MountSpec parseMount(String spec) throws InvalidArgumentException {
    return MountOptionParser.parse(spec);
  }

  /**
   * Parses Docker's {@code --tmpfs dst[:opts]} syntax.
   *
   * @throws InvalidArgumentException naming the spec and what is wrong with it
   */
  public static MountSpec parseTmpfs(String spec) throws InvalidArgumentException {
    return TmpfsSpecParser.parse(spec);
  }

  /**
   * Checks that no two of a container's mounts ({@code -v}, {@code --mount} and {@code --tmpfs}
   * together) share a destination. Targets are compared cleaned, as constructed. A spec repeated
   * exactly ({@code -v data:/d -v data:/d}) is allowed and means one mount, as Podman does;
   * Docker refuses even that, which only breaks scripts that add the same mount twice.
   *
   * @throws InvalidArgumentException {@code Duplicate mount point: <dest>}, Docker's wording,
   *     naming the destination
   */
  public static void checkDestinations(List<MountSpec> specs) throws InvalidArgumentException {
    Map<String, MountSpec> byTarget = new HashMap<>();
    for (MountSpec spec : specs) {
      MountSpec prior = byTarget.putIfAbsent(spec.target(), spec);
      if (prior != null && !prior.equals(spec)) {
        throw new InvalidArgumentException(spec.target(), "Duplicate mount point: " + spec.target()
            + " (mounted as both " + prior.type() + " and " + spec.type() + "; give each mount its own destination)");
      }
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static void requireEntry(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    require(!key.isEmpty(), "an option or label key is empty");
  }
}
