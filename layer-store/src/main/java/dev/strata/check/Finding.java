package dev.strata.check;

import java.util.Objects;
import java.util.Optional;

/**
 * One problem {@link StoreCheck} found.
 *
 * @param kind what is wrong
 * @param subject what it is about: a ChainID, a driver (cache) id, an image id, a tag, a container
 *     name, a volume name or a path
 * @param message what is wrong and what to do about it
 * @param repair what {@code --repair} did about it; empty when it was left as found
 */
public record Finding(FindingKind kind, String subject, String message, Optional<String> repair) {

  public Finding {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(repair, "repair");
  }

  static Finding of(FindingKind kind, String subject, String message) {
    return new Finding(kind, subject, message, Optional.empty());
  }

  Finding repaired(String action) {
    return new Finding(kind, subject, message, Optional.of(action));
  }

  public boolean isRepaired() {
    return repair.isPresent();
  }
}
