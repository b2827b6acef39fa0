package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.volume.MountSpec.Propagation;
import dev.strata.volume.MountSpec.Relabel;
import dev.strata.volume.MountSpec.Type;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Docker's {@code --mount} CSV ({@code type=bind,src=/x,dst=/y,readonly}), read as the docker CLI
 * splits it and the daemon validates it. {@link MountOption} has checked each field's form; this
 * class gives the keys their meaning.
 *
 * <p>Choices where Docker is lenient or the client and daemon differ:
 *
 * <ul>
 *   <li>A relative bind source ({@code ./x}) is <b>refused</b>: the docker CLI makes it absolute
 *       against its own working directory, which a parser has no business knowing.
 *   <li>{@code bind-recursive} other than {@code enabled} is <b>kept</b> in {@link
 *       MountSpec#options()} under that key, with Docker's requirements checked ({@code writable}
 *       and {@code readonly} need {@code readonly}; {@code readonly} needs an explicit {@code
 *       bind-propagation=rprivate}).
 *   <li>{@code volume-opt} without {@code =} is <b>refused</b> (Docker keeps it with an empty
 *       value, which no local-driver option accepts); {@code volume-label=k} is a label with an
 *       empty value, as in Docker. An empty key ({@code volume-label==v}) is refused, where Docker
 *       drops it silently.
 *   <li>{@code relabel=shared|private} is taken from Podman, for binds and volumes.
 *   <li>{@code consistency} is accepted and dropped, as on Linux Docker; {@code volume-driver}
 *       only as {@code local}.
 *   <li>{@code ..} and {@code \} in the target or subpath are <b>refused</b> (see {@link
 *       MountPaths}).
 * </ul>
 */
final class MountOptionParser {

  private static final Set<String> CONSISTENCY = Set.of("default", "consistent", "cached", "delegated");
  private static final Set<String> RECURSION = Set.of("enabled", "disabled", "writable", "readonly");

  private final String spec;
  private Type type = Type.VOLUME;
  private String typeName = "volume";
  private Optional<String> source = Optional.empty();
  private Optional<String> target = Optional.empty();
  private boolean readOnly;
  private Relabel relabel = Relabel.NONE;
  private Optional<Propagation> propagation = Optional.empty();
  private String recursion = "enabled";
  private boolean createSource;
  private boolean nocopy;
  private Optional<String> subpath = Optional.empty();
  private final Map<String, String> options = new LinkedHashMap<>();
  private final Map<String, String> labels = new LinkedHashMap<>();
  /** The first key of each option family ({@code bind}, {@code volume}, {@code tmpfs}). */
  private final Map<String, String> families = new LinkedHashMap<>();

  private MountOptionParser(String spec) {
    this.spec = spec;
  }

  static MountSpec parse(String spec) throws InvalidArgumentException {
    return new MountOptionParser(spec).parse();
  }

  private MountSpec parse() throws InvalidArgumentException {
    if (spec.isEmpty()) {
      throw fail("spec is empty");
    }
    for (MountOption option : MountOption.parseAll(spec, this::fail)) {
      apply(option);
    }
    for (Map.Entry<String, String> family : families.entrySet()) {
      if (!family.getKey().equals(typeName)) {
        throw fail("cannot mix '" + family.getKey() + "-*' options with mount type '" + typeName + "'");
      }
    }
    if (target.isEmpty()) {
      throw config("field Target must not be empty");
    }
    Optional<String> problem = MountPaths.targetProblem(target.get());
    if (problem.isPresent()) {
      throw config(problem.get());
    }
    String cleanTarget = MountPaths.clean(target.get());
    return switch (type) {
      case BIND -> bind(cleanTarget);
      case VOLUME -> volume(cleanTarget);
      case TMPFS -> tmpfs(cleanTarget);
    };
  }

  private void apply(MountOption option) throws InvalidArgumentException {
    String key = option.key();
    int dash = key.indexOf('-');
    if (dash > 0) {
      families.putIfAbsent(key.substring(0, dash), key);
    }
    switch (key) {
      case "type" -> type(option.text());
      case "source" -> source = Optional.of(option.text());
      case "target" -> target = Optional.of(option.text());
      case "readonly" -> readOnly = option.bool(this::fail);
      case "relabel" -> relabel = relabel(option.text());
      case "consistency" -> oneOf(option, CONSISTENCY);
      case "bind-propagation" -> propagation = Optional.of(VolumeMode.propagationNamed(
          option.text().toLowerCase(Locale.ROOT)).orElseThrow(
              () -> fail("invalid propagation mode: " + option.text())));
      case "bind-recursive" -> recursion = oneOf(option, RECURSION);
      case "bind-create-src" -> createSource = option.bool(this::fail);
      case "volume-nocopy" -> nocopy = option.bool(this::fail);
      case "volume-subpath" -> subpath = Optional.of(option.text());
      case "volume-opt" -> pair(option, options, false);
      case "volume-label" -> pair(option, labels, true);
      case "volume-driver" -> oneOf(option, Set.of("local"));
      case "tmpfs-size" -> options.put("size", TmpfsData.size(option.text(), this::fail));
      case "tmpfs-mode" -> options.put("mode", TmpfsData.mode(option.text(), this::fail));
      default -> throw fail("unknown option '" + key + "' in '" + option.field() + "'");
    }
  }

  private void type(String value) throws InvalidArgumentException {
    typeName = value.toLowerCase(Locale.ROOT);
    type = switch (typeName) {
      case "bind" -> Type.BIND;
      case "volume" -> Type.VOLUME;
      case "tmpfs" -> Type.TMPFS;
      default -> throw config("mount type unknown");
    };
  }

  private Relabel relabel(String value) throws InvalidArgumentException {
    return switch (value) {
      case "shared" -> Relabel.SHARED;
      case "private" -> Relabel.PRIVATE;
      default -> throw fail("invalid value for relabel: '" + value + "' (must be shared or private)");
    };
  }

  private String oneOf(MountOption option, Set<String> allowed) throws InvalidArgumentException {
    String value = option.text();
    if (!allowed.contains(value)) {
      throw fail("invalid value for " + option.key() + ": '" + value + "' (must be one of "
          + String.join(", ", allowed.stream().sorted().toList()) + ")");
    }
    return value;
  }

  /** {@code volume-opt=k=v} and {@code volume-label=k[=v]}: the value splits on its first '='. */
  private void pair(MountOption option, Map<String, String> into, boolean valueOptional)
      throws InvalidArgumentException {
    String text = option.text();
    int eq = text.indexOf('=');
    String key = eq < 0 ? text : text.substring(0, eq);
    if (key.isEmpty()) {
      throw fail("invalid field '" + option.field() + "': the " + option.key() + " key is empty");
    }
    if (eq < 0 && !valueOptional) {
      throw fail("invalid field '" + option.field() + "': " + option.key() + " must be key=value");
    }
    if (into.putIfAbsent(key, eq < 0 ? "" : text.substring(eq + 1)) != null) {
      throw fail("cannot pass " + option.key() + " '" + key + "' more than once");
    }
  }

  private MountSpec bind(String cleanTarget) throws InvalidArgumentException {
    if (source.isEmpty()) {
      throw config("field Source must not be empty");
    }
    if (!source.get().startsWith("/")) {
      throw config("invalid mount path: '" + source.get() + "' bind source path must be absolute"
          + " (resolve it against the working directory first)");
    }
    if (!recursion.equals("enabled") && !recursion.equals("disabled") && !readOnly) {
      throw fail("option 'bind-recursive=" + recursion + "' requires 'readonly' to be specified in conjunction");
    }
    if (recursion.equals("readonly") && propagation.filter(p -> p == Propagation.RPRIVATE).isEmpty()) {
      throw fail("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in"
          + " conjunction");
    }
    Map<String, String> bindOptions = recursion.equals("enabled") ? Map.of() : Map.of("bind-recursive", recursion);
    return new MountSpec(Type.BIND, Optional.of(MountPaths.clean(source.get())), cleanTarget, readOnly, relabel,
        Optional.of(propagation.orElse(Propagation.RPRIVATE)), false, createSource, bindOptions, Map.of(),
        Optional.empty());
  }

  private MountSpec volume(String cleanTarget) throws InvalidArgumentException {
    if (source.isPresent()) {
      try {
        VolumeNames.check(source.get());
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException(spec, prefix() + e.getMessage(), e);
      }
    }
    Optional<String> cleanSubpath = Optional.empty();
    if (subpath.isPresent()) {
      if (source.isEmpty()) {
        throw config("must not set Subpath when using anonymous volumes");
      }
      Optional<String> problem = MountPaths.subpathProblem(subpath.get());
      if (problem.isPresent()) {
        throw config(problem.get());
      }
      cleanSubpath = MountPaths.cleanSubpath(subpath.get());
    }
    return new MountSpec(Type.VOLUME, source, cleanTarget, readOnly, relabel, Optional.empty(), !nocopy, false,
        options, labels, cleanSubpath);
  }

  private MountSpec tmpfs(String cleanTarget) throws InvalidArgumentException {
    if (source.isPresent()) {
      throw config("field Source must not be specified");
    }
    if (relabel != Relabel.NONE) {
      throw fail("relabel only valid for bind and volume mounts");
    }
    return new MountSpec(Type.TMPFS, Optional.empty(), cleanTarget, readOnly, Relabel.NONE, Optional.empty(), false,
        false, options, Map.of(), Optional.empty());
  }

  private String prefix() {
    return "invalid mount '" + spec + "': ";
  }

  /** The daemon's wording for a spec that split fine but does not make a mount. */
  private InvalidArgumentException config(String reason) {
    return fail("invalid mount config for type \"" + typeName + "\": " + reason);
  }

  private InvalidArgumentException fail(String reason) {
    return new InvalidArgumentException(spec, prefix() + reason);
  }
}
