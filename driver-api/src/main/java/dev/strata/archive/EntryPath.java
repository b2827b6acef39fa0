package dev.strata.archive;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.UnsupportedException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A member name cleaned into a path relative to the layer root: {@code /}-separated, no empty,
 * {@code .} or {@code ..} components; {@code ""} is the root itself.
 *
 * <p>The rules follow Docker's unpacker ({@code go-archive}: {@code filepath.Clean} of the name, then
 * a breakout check): a leading {@code /} is dropped, as GNU tar and Docker do, so {@code /etc/x}
 * lands at {@code <root>/etc/x}; {@code ..} is resolved lexically, so {@code a/../b} is {@code b};
 * a name whose {@code ..} climbs above the root is refused. Cleaning lexically is safe because the
 * applier only ever touches the cleaned path, never the name as written, and checks every parent of
 * it with {@code lstat}.
 */
record EntryPath(String rel) {

  /** Linux PATH_MAX: longer names cannot be passed to a path-based system call anyway. */
  static final int MAX_NAME_BYTES = 4096;

  static final EntryPath ROOT = new EntryPath("");

  /**
   * @param subject the entry the name belongs to, for the exception's subject
   * @param describe how messages introduce the name ("entry 'x' (offset 0)")
   */
  static EntryPath clean(String raw, String subject, String describe)
      throws CorruptException, UnsupportedException {
    if (raw == null || raw.isEmpty()) {
      throw new CorruptException(subject, describe + " has an empty name");
    }
    if (raw.indexOf('\0') >= 0) {
      throw new CorruptException(subject, describe + " has a NUL byte in its name");
    }
    if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new UnsupportedException(subject, describe + " has a name longer than " + MAX_NAME_BYTES + " bytes");
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String part : raw.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw new CorruptException(subject, describe + " escapes the layer root with '..'");
        }
        parts.removeLast();
      } else {
        parts.addLast(part);
      }
    }
    return parts.isEmpty() ? ROOT : new EntryPath(String.join("/", parts));
  }

  boolean isRoot() {
    return rel.isEmpty();
  }

  /** The parent; the root's parent is the root. */
  EntryPath parent() {
    int slash = rel.lastIndexOf('/');
    return slash < 0 ? ROOT : new EntryPath(rel.substring(0, slash));
  }

  /** The last component; empty for the root. */
  String fileName() {
    return rel.substring(rel.lastIndexOf('/') + 1);
  }

  EntryPath child(String name) {
    return new EntryPath(rel.isEmpty() ? name : rel + "/" + name);
  }

  /** True when some component other than the last starts with {@code prefix}. */
  boolean parentHasComponentStarting(String prefix) {
    int last = rel.lastIndexOf('/');
    int start = 0;
    while (start < last) {
      if (rel.startsWith(prefix, start)) {
        return true;
      }
      int slash = rel.indexOf('/', start);
      start = slash + 1;
    }
    return false;
  }

  /** True when any component starts with {@code prefix}. */
  boolean hasComponentStarting(String prefix) {
    return parentHasComponentStarting(prefix) || fileName().startsWith(prefix);
  }

  @Override
  public String toString() {
    return rel;
  }
}
