package dev.strata.driver;

import java.util.Objects;

/**
 * One line of {@code docker diff}: a path in the layer's view (absolute, {@code /}-separated) and
 * what happened to it relative to the parent.
 */
public record Change(String path, Kind kind) implements Comparable<Change> {

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

  public Change {
    Objects.requireNonNull(kind, "kind");
    if (path == null || !path.startsWith("/") || (path.length() > 1 && path.endsWith("/"))) {
      throw new IllegalArgumentException("change path must be absolute and clean: '" + path + "'");
    }
  }

  @Override
  public int compareTo(Change o) {
    return path.compareTo(o.path);
  }

  /** {@code "A /etc/foo"}, as {@code docker diff} prints it. */
  @Override
  public String toString() {
    return kind.letter() + " " + path;
  }
}
