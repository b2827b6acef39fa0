package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.volume.MountSpec.Relabel;
import dev.strata.volume.MountSpec.Type;
import java.util.Map;
import java.util.Optional;

/**
 * Docker's {@code --tmpfs dst[:opts]}, split on the first {@code :}. Docker hands the options to
 * the kernel unread; we check them ({@link TmpfsData}) so a typo fails here, naming the option,
 * and not at container start with EINVAL.
 *
 * <p>{@code /run:} (empty options) is accepted as no options, as Docker does and as {@code -v}
 * accepts an empty mode. {@code ..} and {@code \} in the destination are refused (see {@link
 * MountPaths}).
 */
final class TmpfsSpecParser {

  private TmpfsSpecParser() {}

  static MountSpec parse(String spec) throws InvalidArgumentException {
    int colon = spec.indexOf(':');
    String target = colon < 0 ? spec : spec.substring(0, colon);
    Optional<String> problem = MountPaths.targetProblem(target);
    if (problem.isPresent()) {
      throw fail(spec, problem.get());
    }
    TmpfsData.Parsed opts = colon < 0 || colon == spec.length() - 1
        ? new TmpfsData.Parsed(false, Map.of())
        : TmpfsData.parse(spec.substring(colon + 1), reason -> fail(spec, reason));
    return new MountSpec(Type.TMPFS, Optional.empty(), MountPaths.clean(target), opts.readOnly(), Relabel.NONE,
        Optional.empty(), false, false, opts.data(), Map.of(), Optional.empty());
  }

  private static InvalidArgumentException fail(String spec, String reason) {
    return new InvalidArgumentException(spec, "invalid tmpfs '" + spec + "': " + reason);
  }
}
