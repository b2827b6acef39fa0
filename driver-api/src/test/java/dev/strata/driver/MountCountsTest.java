package dev.strata.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.driver.error.FailedPreconditionException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountCountsTest {

  @TempDir Path home;
  private MountCounts refs;
  private final LayerId id = LayerId.of("layer");

  @BeforeEach
  void counts() {
    refs = new MountCounts(home);
  }

  @Test
  void acquire_threeTimes_mountsOnceAndNeedsThreeReleases() throws IOException {
    AtomicInteger mounts = new AtomicInteger();
    AtomicInteger unmounts = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      refs.acquire(id, mounts::incrementAndGet);
    }
    assertEquals(1, mounts.get());
    assertEquals(2, refs.release(id, unmounts::incrementAndGet));
    assertEquals(1, refs.release(id, unmounts::incrementAndGet));
    assertEquals(0, unmounts.get());
    assertEquals(0, refs.release(id, unmounts::incrementAndGet));
    assertEquals(1, unmounts.get());
  }

  @Test
  void acquire_byAnotherInstanceOnTheHome_isCountedHereAndTheLastReleaseAnywhereUnmounts() throws IOException {
    MountCounts elsewhere = new MountCounts(home);
    AtomicInteger mounts = new AtomicInteger();
    refs.acquire(id, mounts::incrementAndGet);
    elsewhere.acquire(id, mounts::incrementAndGet);

    assertEquals(1, mounts.get(), "the second process found the view mounted");
    assertEquals(2, refs.count(id));
    assertEquals(1, refs.release(id, mounts::decrementAndGet));
    assertEquals(0, elsewhere.release(id, mounts::decrementAndGet));
    assertEquals(0, mounts.get());
  }

  @Test
  void forgetUnless_afterASweep_keepsOnlyTheCountsItIsToldTo() throws IOException {
    refs.acquire(id, () -> {});
    refs.acquire(id, () -> {});
    refs.acquire(LayerId.of("other"), () -> {});

    refs.forgetUnless(id::equals);

    assertEquals(2, refs.count(id), "kept whole");
    assertEquals(0, refs.count(LayerId.of("other")));
  }

  @Test
  void release_unmounted_throwsFailedPrecondition() {
    FailedPreconditionException e =
        assertThrows(FailedPreconditionException.class, () -> refs.release(id, () -> {}));
    assertEquals("layer", e.subject());
  }

  @Test
  void acquire_failingMount_leavesCountAtZero() throws IOException {
    assertThrows(IOException.class, () -> refs.acquire(id, () -> {
      throw new IOException("boom");
    }));
    assertEquals(0, refs.count(id));
  }

  @Test
  void release_failingUnmount_keepsReference() throws IOException {
    refs.acquire(id, () -> {});
    assertThrows(IOException.class, () -> refs.release(id, () -> {
      throw new IOException("busy");
    }));
    assertEquals(1, refs.count(id));
  }

  @Test
  void acquireRelease_fromManyThreads_endsAtZeroWithBalancedActions() throws Exception {
    AtomicInteger mounted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            refs.acquire(id, mounted::incrementAndGet);
            refs.release(id, mounted::decrementAndGet);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, refs.count(id));
    assertEquals(0, mounted.get());
  }
}
