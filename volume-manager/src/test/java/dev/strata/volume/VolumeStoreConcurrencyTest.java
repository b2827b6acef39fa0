package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads taking and dropping references and mounts of one volume at once. */
class VolumeStoreConcurrencyTest {

  private static final int THREADS = 16;

  @TempDir Path root;
  private VolumeStore store;
  private ExecutorService pool;

  @BeforeEach
  void open() throws IOException {
    Host.assumeRoot();
    store = VolumeStore.open(root);
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void close() throws Exception {
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    if (store != null) {
      store.close();
    }
    Host.cleanUp(root);
  }

  private interface Step {
    void run(int i) throws Exception;
  }

  /** Runs {@code step} for every thread index at once (after a barrier) and rethrows the first failure. */
  private void inParallel(IntPredicate which, Step step) throws Exception {
    CyclicBarrier start = new CyclicBarrier((int) java.util.stream.IntStream.range(0, THREADS).filter(which).count());
    List<Future<Void>> futures = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      if (!which.test(i)) {
        continue;
      }
      int n = i;
      Callable<Void> task = () -> {
        start.await(30, TimeUnit.SECONDS);
        step.run(n);
        return null;
      };
      futures.add(pool.submit(task));
    }
    for (Future<Void> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
  }

  private static Set<String> ids(String prefix, IntPredicate which) {
    Set<String> ids = new TreeSet<>();
    for (int i = 0; i < THREADS; i++) {
      if (which.test(i)) {
        ids.add(prefix + i);
      }
    }
    return ids;
  }

  @Test
  void acquireAndMount_fromManyThreads_countsExactlyAndMountsOnce() throws Exception {
    store.create(new VolumeSpec(Optional.of("shared"), "local",
        Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m"), Map.of()));
    Path data = store.get("shared").mountpoint();
    IntPredicate odd = i -> i % 2 == 1;

    inParallel(i -> true, i -> {
      store.acquire("shared", "c" + i);
      Path mounted = store.mount("shared", "m" + i);
      Files.writeString(mounted.resolve("t" + i), "thread " + i);
      if (!odd.test(i)) {
        assertTrue(store.unmount("shared", "m" + i));
        assertTrue(store.release("shared", "c" + i));
      }
    });

    Volume v = store.get("shared");
    assertEquals(ids("c", odd), v.references());
    assertEquals(ids("m", odd), v.mounts());
    assertEquals(List.of(data.toRealPath()), Host.mountsUnder(root), "one tmpfs, never stacked");
    for (int i = 1; i < THREADS; i += 2) {
      assertEquals("thread " + i, Files.readString(data.resolve("t" + i)));
    }

    inParallel(odd, i -> {
      assertTrue(store.unmount("shared", "m" + i));
      assertTrue(store.release("shared", "c" + i));
    });

    v = store.get("shared");
    assertEquals(Set.of(), v.references());
    assertEquals(Set.of(), v.mounts());
    assertEquals(List.of(), Host.mountsUnder(root));
    store.remove("shared", false);
  }

  @Test
  void acquireAndRelease_plainVolumeFromManyThreads_loseNoUpdate() throws Exception {
    store.create(new VolumeSpec(Optional.of("plain"), "local", Map.of(), Map.of()));

    inParallel(i -> true, i -> {
      for (int round = 0; round < 5; round++) {
        store.acquire("plain", "c" + i + "-" + round);
        store.mount("plain", "m" + i + "-" + round);
      }
      store.release("plain", "c" + i + "-0");
      store.unmount("plain", "m" + i + "-0");
    });

    Volume v = store.get("plain");
    assertEquals(THREADS * 4, v.references().size());
    assertEquals(THREADS * 4, v.mounts().size());
  }
}
