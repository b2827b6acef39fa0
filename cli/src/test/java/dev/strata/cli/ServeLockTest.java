package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.FailedPreconditionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeLockTest {

  @TempDir Path root;

  @Test
  void take_whileHeld_throwsFailedPreconditionNamingThePid() throws IOException {
    try (ServeLock held = ServeLock.take(root)) {
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> ServeLock.take(root));
      assertTrue(e.getMessage().contains("already running on " + root + " (pid "
          + ProcessHandle.current().pid() + ")"), e.getMessage());
    }
  }

  @Test
  void take_afterClose_succeedsAndPidFileGoesWithTheLock() throws IOException {
    ServeLock.take(root).close();
    assertFalse(Files.exists(root.resolve("locks/serve.pid")), "the pid file goes when the lock is released");
    try (ServeLock again = ServeLock.take(root)) {
      assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(root.resolve("locks/serve.pid")));
    }
  }
}
