package dev.strata.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What ends a {@link CrashChild}'s operation at the moment a {@link TrialRunner} chose: a SIGKILL,
 * or a power cut under the store's filesystem followed by one.
 */
interface Interruption {

  /** Called once a trial's root is prepared, before the child is let go. */
  default void prepared(Path root) throws IOException {}

  /**
   * Interrupts {@code child}, which has begun and may have finished, and leaves it dead and the
   * root readable again. Returns the lines the child had written before the interruption took
   * effect, which tell the {@link Phase}.
   */
  List<String> interrupt(Child child) throws IOException, InterruptedException;

  /** Whether an exit code other than 0 or {@link Child#KILLED} is allowed: a power cut fails calls with EIO. */
  default boolean failuresAllowed() {
    return false;
  }

  /** SIGKILL: the page cache survives, so only the order of the operation's steps is tested. */
  static Interruption sigkill() {
    return child -> {
      child.kill();
      return child.heard();
    };
  }
}
