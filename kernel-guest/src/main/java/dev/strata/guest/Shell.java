package dev.strata.guest;

/** Quoting for the POSIX shell scripts the guest runs. */
final class Shell {

  private Shell() {}

  /** {@code s} as one single-quoted word. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
