package dev.strata.cli;

/**
 * One operation to kill: how to put a root in the state before it, the command line, and what
 * may be seen after a kill. Every prepared root also holds {@link AppImage#TAG}, the image
 * committed earlier that no crash may lose.
 */
interface CrashScenario {

  String name();

  /** Brings {@code root} (empty) to the state the operation starts from. */
  void prepare(ListedRoot root) throws Exception;

  /** The operation, after {@code --root ROOT --driver DRIVER}. */
  String[] command();

  /**
   * Asserts that the reopened root shows the operation either done or not done, nothing between,
   * and names which ({@code "done"}, {@code "not done"}, or a finer word).
   */
  String outcome(ListedRoot root) throws Exception;
}
