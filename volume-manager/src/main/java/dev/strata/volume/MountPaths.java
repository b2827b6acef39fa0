package dev.strata.volume;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Lexical checks on the paths in a mount spec: a destination inside the container and a subpath
 * inside a volume. Nothing here touches the file system.
 *
 * <p>Stricter than Docker in two ways, both because the path a user wrote would otherwise not be
 * the path that gets mounted: a {@code ..} segment is refused (Docker cleans {@code /c/../etc} to
 * {@code /etc} silently), and so is {@code \} (Docker reads it as {@code /} while checking but
 * mounts the literal name).
 */
final class MountPaths {

  private MountPaths() {}

  /** Go's {@code path.Clean} for an absolute path: no empty, {@code .} or {@code ..} segments. */
  static String clean(String absolute) {
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : absolute.split("/")) {
      if (segment.equals("..")) {
        segments.pollLast();
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        segments.addLast(segment);
      }
    }
    return "/" + String.join("/", segments);
  }

  /** Why {@code target} cannot be a mount destination, in Docker's words; empty when it can. */
  static Optional<String> targetProblem(String target) {
    if (target.isEmpty()) {
      return Optional.of("field Target must not be empty");
    }
    if (target.indexOf('\\') >= 0 || target.indexOf('\0') >= 0) {
      return Optional.of("invalid mount path: '" + target + "' must not contain '\\' or NUL");
    }
    if (!target.startsWith("/")) {
      return Optional.of("invalid mount path: '" + target + "' mount path must be absolute");
    }
    // Checked before "..", so /x/.. gets Docker's message rather than ours.
    if (clean(target).equals("/")) {
      return Optional.of("invalid specification: destination can't be '/'");
    }
    if (hasDotDot(target)) {
      return Optional.of("invalid mount path: '" + target + "' must not contain '..'");
    }
    return Optional.empty();
  }

  /**
   * Why {@code subpath} cannot select a directory inside a volume; empty when it can. Docker asks
   * for {@code filepath.IsLocal}; we also refuse a {@code ..} that stays inside.
   */
  static Optional<String> subpathProblem(String subpath) {
    if (subpath.isEmpty() || subpath.startsWith("/") || hasDotDot(subpath)
        || subpath.indexOf('\\') >= 0 || subpath.indexOf('\0') >= 0) {
      return Optional.of("subpath must be a relative path within the volume: '" + subpath + "'");
    }
    return Optional.empty();
  }

  /** A checked subpath without empty or {@code .} segments; empty for the volume's root. */
  static Optional<String> cleanSubpath(String subpath) {
    String cleaned = clean("/" + subpath).substring(1);
    return cleaned.isEmpty() ? Optional.empty() : Optional.of(cleaned);
  }

  private static boolean hasDotDot(String path) {
    for (String segment : path.split("/")) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }
}
