package dev.strata.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.posix.LockFile;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLockTest {

  @TempDir Path dir;

  @Test
  void exclusive_heldTwiceByOneThread_isReentrantAndExcludesOthersUntilTheOuterRelease() throws IOException {
    Path file = dir.resolve("lock");
    try (StoreLock lock = StoreLock.at(file); LockFile other = LockFile.open(file)) {
      try (StoreLock.Hold outer = lock.exclusive()) {
        try (StoreLock.Hold inner = lock.exclusive()) {
          assertFalse(other.tryLock(false), "held exclusively");
        }
        assertFalse(other.tryLock(false), "still held after the inner release");
      }
      assertTrue(other.tryLock(true), "released by the outer hold");
    }
  }

  @Test
  void generation_risesOncePerOuterExclusiveHoldAndNotForShared() throws IOException {
    try (StoreLock lock = StoreLock.at(dir.resolve("lock"))) {
      assertEquals(0, lock.generation());
      try (StoreLock.Hold a = lock.exclusive(); StoreLock.Hold b = lock.exclusive()) {
        assertEquals(0, lock.generation(), "raised as the hold ends, not before");
      }
      assertEquals(1, lock.generation());
      try (StoreLock.Hold s = lock.shared()) {
        assertEquals(1, lock.generation());
      }
      assertEquals(1, lock.generation());
    }
  }

  @Test
  void generation_staysForReadingHolds_risesWhenAWriteNestsInOne() throws IOException {
    try (StoreLock lock = StoreLock.at(dir.resolve("lock")); LockFile other = LockFile.open(dir.resolve("lock"))) {
      try (StoreLock.Hold r = lock.reading()) {
        assertFalse(other.tryLock(false), "a reading hold excludes other holders, as an exclusive one does");
      }
      assertEquals(0, lock.generation(), "a hold that only read changed nothing");
      try (StoreLock.Hold r = lock.reading()) {
        try (StoreLock.Hold w = lock.exclusive()) {
          assertEquals(0, lock.generation());
        }
        assertEquals(0, lock.generation(), "raised as the outer hold ends");
      }
      assertEquals(1, lock.generation());
      try (StoreLock.Hold r = lock.reading()) {
        assertEquals(1, lock.generation());
      }
      assertEquals(1, lock.generation(), "the write of the last hold is not carried into the next");
    }
  }

  @Test
  void generation_raisedByAnotherInstance_isSeenHere() throws IOException {
    Path file = dir.resolve("lock");
    try (StoreLock here = StoreLock.at(file); StoreLock there = StoreLock.at(file)) {
      there.exclusive().close();
      assertEquals(1, here.generation());
    }
  }

  @Test
  void onChange_anotherInstanceChanged_reloadsOnceOnTheNextHoldOrRefreshButNotForOwnChanges() throws IOException {
    Path file = dir.resolve("lock");
    int[] reloads = {0};
    try (StoreLock here = StoreLock.at(file); StoreLock there = StoreLock.at(file)) {
      here.onChange(() -> reloads[0]++);
      here.exclusive().close();
      here.refreshIfChanged();
      assertEquals(0, reloads[0], "this lock's own change is no reason to reload");

      there.exclusive().close();
      here.refreshIfChanged();
      here.refreshIfChanged();
      assertEquals(1, reloads[0]);

      there.exclusive().close();
      here.exclusive().close();
      assertEquals(2, reloads[0], "an exclusive hold reloads first");
    }
  }

  @Test
  void shared_twoHolders_shareAndKeepExclusiveOut() throws IOException {
    Path file = dir.resolve("lock");
    try (StoreLock lock = StoreLock.at(file); LockFile other = LockFile.open(file)) {
      try (StoreLock.Hold a = lock.shared(); StoreLock.Hold b = lock.shared()) {
        assertFalse(other.tryLock(true), "shared holders keep an exclusive one out");
        assertTrue(other.tryLock(false), "and let another shared one in");
        other.unlock();
      }
      assertTrue(other.tryLock(true));
    }
  }

  @Test
  void whenAlone_anotherUserJoined_doesNotRunUntilItLeaves() throws IOException {
    Path file = dir.resolve("users");
    int[] runs = {0};
    try (StoreUsers me = StoreUsers.join(file)) {
      try (StoreUsers other = StoreUsers.join(file)) {
        assertFalse(me.whenAlone(() -> runs[0]++));
        assertEquals(0, runs[0]);
      }
      assertTrue(me.whenAlone(() -> runs[0]++));
      assertEquals(1, runs[0]);
      try (LockFile probe = LockFile.open(file)) {
        assertFalse(probe.tryLock(true), "this process holds the users file shared again afterwards");
      }
    }
  }
}
