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
   * and names which ({@link #done()}, or a word for not done).
   */
  String outcome(ListedRoot root) throws Exception;

  /** The {@link #outcome} of a root on which the operation completed ({@code "loaded"}, {@code "removed"}). */
  String done();
}
