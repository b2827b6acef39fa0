package dev.strata.tar;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.UnsupportedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * A member name cleaned into a path relative to the layer root: {@code /}-separated, no empty,
 * {@code .} or {@code ..} components; {@code ""} is the root itself. A raw string ({@link
 * dev.strata.posix.RawNames}): one char per byte of the name, so names that are not UTF-8 keep
 * their bytes, and a char count is a byte count.
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
  static EntryPath clean(String raw, String subject, Supplier<String> describe)
      throws CorruptException, UnsupportedException {
    if (raw == null || raw.isEmpty()) {
      throw new CorruptException(subject, describe.get() + " has an empty name");
    }
    if (raw.indexOf('\0') >= 0) {
      throw new CorruptException(subject, describe.get() + " has a NUL byte in its name");
    }
    if (raw.length() > MAX_NAME_BYTES) {
      throw new UnsupportedException(subject, describe.get() + " has a name longer than " + MAX_NAME_BYTES + " bytes");
    }
    // GNU tar run as "tar -C dir ." prefixes every name with "./".
    String name = raw.startsWith("./") && raw.length() > 2 ? raw.substring(2) : raw;
    if (isClean(name)) {
      return new EntryPath(name);
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String part : raw.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw new CorruptException(subject, describe.get() + " escapes the layer root with '..'");
        }
        parts.removeLast();
      } else {
        parts.addLast(part);
      }
    }
    return parts.isEmpty() ? ROOT : new EntryPath(String.join("/", parts));
  }

  /** True for the common case, a name with nothing to clean: no empty, "." or ".." component. */
  private static boolean isClean(String raw) {
    int start = 0;
    int n = raw.length();
    while (start <= n) {
      int slash = raw.indexOf('/', start);
      int end = slash < 0 ? n : slash;
      int len = end - start;
      if (len == 0 || (raw.charAt(start) == '.' && (len == 1 || (len == 2 && raw.charAt(start + 1) == '.')))) {
        return false;
      }
      if (slash < 0) {
        return true;
      }
      start = slash + 1;
    }
    return false;
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
