package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.volume.MountSpec.Propagation;
import dev.strata.volume.MountSpec.Relabel;
import java.util.Optional;
import java.util.function.Function;

/**
 * The mode list of a {@code -v} spec ({@code ro,Z,rshared}), before it is matched to a mount
 * type. Docker's rules: comma-separated, case-sensitive, at most one token from each group (rw
 * ro | z Z | the six propagations | nocopy | consistent cached delegated). The consistency group
 * only mattered on Docker Desktop for Mac; it is accepted and dropped.
 *
 * <p>Only {@code nocopy} is accepted in the copy group, as in Docker; {@code copy} (Podman's
 * spelling of the default) is an unknown mode.
 */
record VolumeMode(boolean readOnly, Relabel relabel, Optional<Propagation> propagation, boolean nocopy) {

  static final VolumeMode DEFAULT = new VolumeMode(false, Relabel.NONE, Optional.empty(), false);

  private static final int GROUPS = 5;

  /**
   * Parses {@code modes}, a non-empty list.
   *
   * @param fail turns a reason in Docker's words into the exception to throw
   */
  static VolumeMode parse(String modes, Function<String, InvalidArgumentException> fail)
      throws InvalidArgumentException {
    String[] seen = new String[GROUPS];
    boolean readOnly = false;
    Relabel relabel = Relabel.NONE;
    Optional<Propagation> propagation = Optional.empty();
    boolean nocopy = false;
    for (String token : modes.split(",", -1)) {
      int group = group(token);
      if (group < 0) {
        String why = token.isEmpty() ? "empty option" : "unknown option '" + token + "'";
        throw fail.apply("invalid mode: " + modes + " (" + why + ")");
      }
      if (seen[group] != null) {
        String why = seen[group].equals(token) ? token + " given twice"
            : seen[group] + " and " + token + " can not be used together";
        throw fail.apply("invalid mode: " + modes + " (" + why + ")");
      }
      seen[group] = token;
      switch (group) {
        case 0 -> readOnly = token.equals("ro");
        case 1 -> relabel = token.equals("z") ? Relabel.SHARED : Relabel.PRIVATE;
        case 2 -> propagation = propagationNamed(token);
        case 3 -> nocopy = true;
        default -> { } // consistency: only Docker Desktop for Mac ever used it
      }
    }
    return new VolumeMode(readOnly, relabel, propagation, nocopy);
  }

  /** True when {@code modes} would parse; Docker refuses {@code dst:mode} with no source. */
  static boolean valid(String modes) {
    try {
      parse(modes, reason -> new InvalidArgumentException(modes, reason));
      return true;
    } catch (InvalidArgumentException notAMode) {
      return false; // then it is read as a destination, as Docker does
    }
  }

  private static int group(String token) {
    return switch (token) {
      case "rw", "ro" -> 0;
      case "z", "Z" -> 1;
      case "private", "rprivate", "slave", "rslave", "shared", "rshared" -> 2;
      case "nocopy" -> 3;
      case "consistent", "cached", "delegated" -> 4;
      default -> -1;
    };
  }

  /** The propagation whose mount option is {@code token}, case-sensitive. */
  static Optional<Propagation> propagationNamed(String token) {
    for (Propagation p : Propagation.values()) {
      if (p.option().equals(token)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
