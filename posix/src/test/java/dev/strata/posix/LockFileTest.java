package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {

  @TempDir Path dir;

  @Test
  void tryLock_exclusiveHeldByAnotherOpenFile_failsUntilReleased() throws IOException {
    Path p = dir.resolve("lock");
    try (LockFile a = LockFile.open(p); LockFile b = LockFile.open(p)) {
      a.lock(true);

      assertFalse(b.tryLock(true), "a second open file of one process is excluded, as a process would be");
      assertFalse(b.tryLock(false));
      a.unlock();
      assertTrue(b.tryLock(true));
    }
  }

  @Test
  void tryLock_sharedHolders_shareButExcludeExclusive() throws IOException {
    Path p = dir.resolve("lock");
    try (LockFile a = LockFile.open(p); LockFile b = LockFile.open(p); LockFile c = LockFile.open(p)) {
      a.lock(false);

      assertTrue(b.tryLock(false));
      assertFalse(c.tryLock(true));
      a.close();
      assertFalse(c.tryLock(true), "b still holds it shared");
      b.close();
      assertTrue(c.tryLock(true), "closing dropped both shared locks");
    }
  }

  @Test
  void locked_holdsTheLockUntilClosed() throws IOException {
    Path p = dir.resolve("lock");
    try (LockFile probe = LockFile.open(p)) {
      try (LockFile held = LockFile.locked(p, false)) {
        assertTrue(probe.tryLock(false), "shared with another shared holder");
        probe.unlock();
        assertFalse(probe.tryLock(true), "a shared hold excludes an exclusive one");
      }
      assertTrue(probe.tryLock(true), "closing released it");
    }
  }

  @Test
  void lock_fileDeletedWhileWaiting_locksTheFileNowAtThePath() throws Exception {
    Path p = dir.resolve("lock");
    try (LockFile holder = LockFile.open(p); LockFile waiter = LockFile.open(p)) {
      holder.lock(true);
      CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
        try {
          waiter.lock(true);
        } catch (PosixException e) {
          throw new IllegalStateException(e);
        }
      });
      Files.delete(p);
      holder.unlock();
      waiting.get(30, TimeUnit.SECONDS);

      try (LockFile third = LockFile.open(p)) {
        assertTrue(Files.exists(p), "the waiter locked a file at the path again");
        assertFalse(third.tryLock(true), "the waiter holds the file a newcomer opens, not the deleted one");
      }
    }
  }

  @Test
  void counter_newFile_isZeroThenWhatWasWritten() throws IOException {
    Path p = dir.resolve("lock");
    try (LockFile a = LockFile.open(p)) {
      assertEquals(0, a.readCounter());
      a.writeCounter(41);
      a.writeCounter(42);
    }
    try (LockFile b = LockFile.open(p)) {
      assertEquals(42, b.readCounter());
    }
  }

  @Test
  void methods_afterClose_throwIllegalState() throws IOException {
    LockFile a = LockFile.open(dir.resolve("lock"));
    a.close();
    a.close();
    assertThrows(IllegalStateException.class, () -> a.lock(true));
  }

  @Test
  void open_missingDirectory_throwsPosixNamingThePath() {
    PosixException e = assertThrows(PosixException.class, () -> LockFile.open(dir.resolve("no/such/lock")));
    assertEquals(PosixException.ENOENT, e.errno());
    assertTrue(e.getMessage().contains("no/such/lock"), e.getMessage());
  }
}
