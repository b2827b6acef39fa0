package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.volume.MountSpec.Propagation;
import dev.strata.volume.MountSpec.Type;
import java.util.Map;
import java.util.Optional;

/**
 * Docker's {@code -v [src:]dst[:mode]}, as the daemon's Linux parser reads it: at most three
 * {@code :} fields; one field is an anonymous volume; an absolute source is a bind (created if
 * missing, {@code rprivate} by default), anything else names a volume.
 *
 * <p>Choices where Docker is lenient or the client and daemon differ:
 *
 * <ul>
 *   <li>{@code /host:/ctr:} (empty mode) is <b>accepted</b> as no mode, as Docker does: scripts
 *       build {@code "$src:$dst:$MODE"} with an empty {@code MODE}.
 *   <li>{@code ./x} and {@code ~/x} are <b>refused</b> with the volume-name error: the docker CLI
 *       makes {@code ./x} absolute against its own working directory, which a parser has no
 *       business knowing; callers resolve it first.
 *   <li>{@code ..} and {@code \} in the destination are <b>refused</b> (see {@link MountPaths}).
 *   <li>Volume names follow Docker (two characters at least), not Podman (one).
 *   <li>{@code copy} is not a mode, as in Docker; only {@code nocopy} is.
 * </ul>
 */
final class VolumeSpecParser {

  private final String spec;

  private VolumeSpecParser(String spec) {
    this.spec = spec;
  }

  static MountSpec parse(String spec) throws InvalidArgumentException {
    return new VolumeSpecParser(spec).parse();
  }

  private MountSpec parse() throws InvalidArgumentException {
    if (spec.isEmpty()) {
      throw fail("spec is empty");
    }
    String[] fields = spec.split(":", -1);
    if (fields.length > 3) {
      throw fail("too many colons, expected [src:]dst[:mode]");
    }
    if (fields[0].isEmpty()) {
      throw fail("the first field is empty");
    }
    if (fields.length == 1) {
      return volume(Optional.empty(), target(fields[0]), VolumeMode.DEFAULT);
    }
    if (fields[1].isEmpty()) {
      throw fail("destination is empty");
    }
    if (fields.length == 2 && VolumeMode.valid(fields[1])) {
      throw fail("mode without source: '" + fields[1] + "' is a mode, expected src:dst:mode");
    }
    String target = target(fields[1]);
    VolumeMode mode = fields.length == 3 && !fields[2].isEmpty()
        ? VolumeMode.parse(fields[2], this::fail)
        : VolumeMode.DEFAULT;
    String source = fields[0];
    if (source.startsWith("/")) {
      return bind(MountPaths.clean(source), target, mode);
    }
    try {
      VolumeNames.check(source);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(spec, prefix() + e.getMessage(), e);
    }
    return volume(Optional.of(source), target, mode);
  }

  private MountSpec bind(String source, String target, VolumeMode mode) throws InvalidArgumentException {
    if (mode.nocopy()) {
      throw fail("copy modes only valid for volumes");
    }
    return new MountSpec(Type.BIND, Optional.of(source), target, mode.readOnly(), mode.relabel(),
        Optional.of(mode.propagation().orElse(Propagation.RPRIVATE)), false, true, Map.of(), Map.of(),
        Optional.empty());
  }

  private MountSpec volume(Optional<String> name, String target, VolumeMode mode) throws InvalidArgumentException {
    if (mode.propagation().isPresent()) {
      throw fail("propagation only valid for bind mounts");
    }
    return new MountSpec(Type.VOLUME, name, target, mode.readOnly(), mode.relabel(), Optional.empty(),
        !mode.nocopy(), false, Map.of(), Map.of(), Optional.empty());
  }

  private String target(String raw) throws InvalidArgumentException {
    Optional<String> problem = MountPaths.targetProblem(raw);
    if (problem.isPresent()) {
      throw fail(problem.get());
    }
    return MountPaths.clean(raw);
  }

  private String prefix() {
    return "invalid volume specification: '" + spec + "': ";
  }

  private InvalidArgumentException fail(String reason) {
    return new InvalidArgumentException(spec, prefix() + reason);
  }
}
