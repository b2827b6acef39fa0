package dev.strata.cli;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Keeps the libraries' logs to errors while a test class runs, then restores the level: every
 * reopen in the crash tests logs what recovery swept, and hundreds of trials would bury their
 * tables.
 */
final class QuietLibraryLogs implements BeforeAllCallback, AfterAllCallback {

  private static final Namespace NAMESPACE = Namespace.create(QuietLibraryLogs.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Logger root = Logger.getLogger("");
    // The root level may be unset (null); kept as an Optional so that "unset" is restored too.
    context.getStore(NAMESPACE).put(Level.class, Optional.ofNullable(root.getLevel()));
    root.setLevel(Level.SEVERE);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Optional<?> saved = context.getStore(NAMESPACE).get(Level.class, Optional.class);
    Logger.getLogger("").setLevel((Level) saved.orElse(null));
  }
}
