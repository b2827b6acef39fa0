package dev.strata.registry;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The platform to pick from a multi-platform image (an OCI index or Docker manifest list), as
 * {@code os/architecture[/variant]}, e.g. {@code linux/amd64}, {@code linux/arm64/v8}.
 */
public record Platform(String os, String architecture, Optional<String> variant) {

  // Before LINUX_AMD64: static fields initialise in order, and its constructor reads PART.
  private static final Pattern PART = Pattern.compile("[a-z0-9_.-]+");

  /** What Strata pulls unless told otherwise. */
  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", Optional.empty());

  public Platform {
    Objects.requireNonNull(variant, "variant");
    for (String part : new String[] {os, architecture, variant.orElse("x")}) {
      if (part == null || !PART.matcher(part).matches()) {
        throw new IllegalArgumentException("bad platform part '" + part + "' (lowercase os/arch[/variant])");
      }
    }
  }

  /**
   * Parses {@code os/architecture[/variant]}.
   *
   * @throws InvalidArgumentException quoting the text otherwise
   */
  public static Platform parse(String text) throws InvalidArgumentException {
    String[] parts = text.split("/", -1);
    try {
      if (parts.length == 2) {
        return new Platform(parts[0], parts[1], Optional.empty());
      }
      if (parts.length == 3) {
        return new Platform(parts[0], parts[1], Optional.of(parts[2]));
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(text, "invalid platform '" + text + "': " + e.getMessage(), e);
    }
    throw new InvalidArgumentException(text, "invalid platform '" + text + "': expected os/architecture[/variant]");
  }

  /**
   * Whether an index entry for {@code os/architecture/variant} serves this platform. Without a
   * variant here any variant matches; with one, an entry without variant matches only the
   * architecture's default ({@code arm64} is {@code v8}), as containerd's matcher does.
   */
  boolean matches(String entryOs, String entryArch, Optional<String> entryVariant) {
    if (!os.equals(entryOs) || !architecture.equals(entryArch)) {
      return false;
    }
    if (variant.isEmpty()) {
      return true;
    }
    String wanted = variant.get();
    return entryVariant.map(wanted::equals).orElseGet(() -> architecture.equals("arm64") && wanted.equals("v8"));
  }

  @Override
  public String toString() {
    return os + "/" + architecture + variant.map(v -> "/" + v).orElse("");
  }
}
