package dev.strata.driver;

import dev.strata.posix.RawNames;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One line of {@code docker diff}: a path in the layer's view (absolute, {@code /}-separated) and
 * what happened to it relative to the parent. The path is kept as the bytes the file is named by
 * ({@link #pathBytes}): Linux names need not be UTF-8, and a name that is not cannot be a Java
 * string without losing bytes. {@link #path} is those bytes decoded as UTF-8, for display.
 */
public final class Change implements Comparable<Change> {

  /** The letter {@code docker diff} prints for each kind. */
  public enum Kind {
    ADDED('A'),
    MODIFIED('C'),
    DELETED('D');

    private final char letter;

    Kind(char letter) {
      this.letter = letter;
    }

    public char letter() {
      return letter;
    }
  }

  private final byte[] path;
  private final Kind kind;

  /** A change to the path spelled by {@code path} in UTF-8. */
  public Change(String path, Kind kind) {
    this(Objects.requireNonNull(path, "path").getBytes(StandardCharsets.UTF_8), kind, true);
  }

  private Change(byte[] path, Kind kind, boolean owned) {
    this.kind = Objects.requireNonNull(kind, "kind");
    int n = path.length;
    if (n == 0 || path[0] != '/' || (n > 1 && path[n - 1] == '/')) {
      throw new IllegalArgumentException("change path must be absolute and clean: '"
          + new String(path, StandardCharsets.UTF_8) + "'");
    }
    this.path = owned ? path : path.clone();
  }

  /** A change to the path named by the bytes {@code path}, whatever they are. */
  public static Change ofBytes(byte[] path, Kind kind) {
    return new Change(Objects.requireNonNull(path, "path"), kind, false);
  }

  /** The path's bytes, as the file is named on disk. */
  public byte[] pathBytes() {
    return path.clone();
  }

  /** The path decoded as UTF-8, for display: bytes that are not UTF-8 show as U+FFFD. */
  public String path() {
    return new String(path, StandardCharsets.UTF_8);
  }

  public Kind kind() {
    return kind;
  }

  /** By path, byte for byte (unsigned), as Go orders names. */
  @Override
  public int compareTo(Change o) {
    return Arrays.compareUnsigned(path, o.path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Change c && kind == c.kind && Arrays.equals(path, c.path);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(path) + kind.hashCode();
  }

  /**
   * {@code "A /etc/foo"}, as {@code docker diff} prints it, but one printable line whatever the
   * name: UTF-8 shows as text, any other byte (and a control character or backslash) as {@code
   * \\xNN}.
   */
  @Override
  public String toString() {
    return kind.letter() + " " + RawNames.printable(path);
  }
}
