package dev.strata.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rule for names inside an image archive: a clean relative path. {@code ./} prefixes and
 * trailing slashes (as {@code tar -C dir .} writes them) are accepted and dropped; an absolute
 * name, a {@code ..} component, a backslash or a NUL byte makes the name unusable.
 */
final class ArchivePaths {

  private ArchivePaths() {}

  /**
   * The clean form of {@code name} ({@code ""} for the archive's root), or empty when it is
   * absolute or climbs out with {@code ..}.
   */
  static Optional<String> clean(String name) {
    if (name.startsWith("/") || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        return Optional.empty();
      }
      parts.add(part);
    }
    return Optional.of(String.join("/", parts));
  }

  /**
   * Resolves a link target the way the filesystem would, relative to the directory holding the
   * link ({@code linkName}'s parent), without leaving the archive; empty when it would.
   */
  static Optional<String> resolveLink(String linkName, String target) {
    if (target.startsWith("/") || target.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>(List.of(linkName.split("/")));
    parts.remove(parts.size() - 1);
    for (String part : target.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return Optional.empty();
        }
        parts.remove(parts.size() - 1);
      } else {
        parts.add(part);
      }
    }
    return Optional.of(String.join("/", parts));
  }
}
