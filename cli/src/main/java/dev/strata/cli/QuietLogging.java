package dev.strata.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * The command's logging configuration, which {@link LogManager} builds only when something first
 * logs (named by {@code java.util.logging.config.class}): setting a level eagerly at start cost
 * a fifth of {@code strata --version}. The libraries log what they repair (a stale mount swept, a
 * leftover removed) for a daemon's log; a command prints one line per error instead, so their
 * chatter shows only with {@code --debug}.
 */
public final class QuietLogging {

  /** System property holding the root level: SEVERE, or INFO with {@code --debug}. */
  static final String LEVEL = "strata.log.level";

  /** Called by {@link LogManager} through reflection; must be public with no arguments. */
  public QuietLogging() throws IOException {
    String level = System.getProperty(LEVEL, "SEVERE");
    String config = "handlers=java.util.logging.ConsoleHandler\n"
        + ".level=" + level + "\n"
        + "java.util.logging.ConsoleHandler.level=" + level + "\n";
    LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(config.getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** Makes the first logger use configure logging this way, unless the user configured it. */
  static void install(boolean debug) {
    if (System.getProperty("java.util.logging.config.class") == null
        && System.getProperty("java.util.logging.config.file") == null) {
      System.setProperty(LEVEL, debug ? "INFO" : "SEVERE");
      System.setProperty("java.util.logging.config.class", QuietLogging.class.getName());
    }
  }
}
