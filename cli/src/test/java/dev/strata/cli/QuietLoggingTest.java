package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QuietLoggingTest {

  @AfterEach
  void restore() throws IOException {
    System.clearProperty(QuietLogging.LEVEL);
    LogManager.getLogManager().readConfiguration();
  }

  @Test
  void withoutDebug_onlySevereReachesTheConsole() throws IOException {
    System.setProperty(QuietLogging.LEVEL, "SEVERE");
    new QuietLogging();
    Logger root = Logger.getLogger("");
    assertEquals(Level.SEVERE, root.getLevel());
    assertEquals(1, root.getHandlers().length);
    assertEquals(Level.SEVERE, root.getHandlers()[0].getLevel());
  }

  @Test
  void withDebug_infoReachesTheConsole() throws IOException {
    System.setProperty(QuietLogging.LEVEL, "INFO");
    new QuietLogging();
    assertEquals(Level.INFO, Logger.getLogger("").getLevel());
    assertEquals(Level.INFO, Logger.getLogger("").getHandlers()[0].getLevel());
  }

  @Test
  void realProcess_debugFlagStillShowsLibraryInfo() throws Exception {
    // A child JVM: LogManager reads java.util.logging.config.class once, at its first use.
    Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), QuietLoggingProbe.class.getName(), "--debug")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor());
    assertEquals(true, out.contains("probe info line"), out);
    Process q = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), QuietLoggingProbe.class.getName())
        .redirectErrorStream(true).start();
    String quiet = new String(q.getInputStream().readAllBytes());
    assertEquals(0, q.waitFor());
    assertEquals(false, quiet.contains("probe info line"), quiet);
    assertEquals(true, quiet.contains("probe severe line"), quiet);
  }
}
