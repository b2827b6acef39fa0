package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.testing.Stress;
import dev.strata.driver.error.FailedPreconditionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads creating and using volumes while two others prune in a loop: a volume in use is never
 * pruned, an unused one is, and overlapping prunes refuse with "already running" and nothing else.
 */
class VolumePruneStressTest {

  private static final int WORKERS = 8;
  private static final int PRUNERS = 2;
  private static final PruneFilter ALL = new PruneFilter(true, List.of(), List.of());

  @TempDir Path root;
  private VolumeStore store;

  @BeforeEach
  void open() throws IOException {
    Host.assumeRoot();
    store = VolumeStore.open(root);
  }

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
    Host.cleanUp(root);
  }

  @Test
  void prune_loopingWhileThreadsCreateAndUseVolumes_neverTakesAVolumeInUse() throws Exception {
    int rounds = Stress.iterations(25);
    AtomicInteger working = new AtomicInteger(WORKERS);
    AtomicInteger prunes = new AtomicInteger();
    Set<String> pruned = ConcurrentHashMap.newKeySet();
    Set<String> kept = ConcurrentHashMap.newKeySet();
    Set<String> released = ConcurrentHashMap.newKeySet();
    List<Stress.Worker> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      workers.add(thread -> {
        try {
          String me = "container" + thread;
          store.obtain("common", me);
          for (int i = 0; i < rounds; i++) {
            String name = "v" + thread + "-" + i;
            // Create and reference in one step: a prune between the two would take the volume.
            Volume v = i % 3 == 0
                ? store.create(new VolumeSpec(Optional.empty(), VolumeStore.LOCAL, Map.of(), Map.of()), me)
                : store.create(new VolumeSpec(Optional.of(name), VolumeStore.LOCAL, Map.of(), Map.of()), me);
            Path data = store.mount(v.name(), me);
            Files.writeString(data.resolve("file"), v.name());
            assertTrue(store.unmount(v.name(), me));
            Files.writeString(store.mount("common", me + "-" + i).resolve(me), Integer.toString(i));
            assertTrue(store.unmount("common", me + "-" + i));
            if (i % 2 == 0) {
              kept.add(v.name());
            } else {
              assertTrue(store.release(v.name(), me), v.name() + " lost its reference");
              released.add(v.name());
            }
          }
        } finally {
          working.decrementAndGet();
        }
      });
    }
    for (int p = 0; p < PRUNERS; p++) {
      workers.add(thread -> {
        while (working.get() > 0) {
          try {
            pruned.addAll(store.prune(ALL).deleted());
            prunes.incrementAndGet();
          } catch (FailedPreconditionException e) {
            assertEquals("a prune operation is already running", e.getMessage(), e.toString());
          }
        }
      });
    }

    Stress.runEach(workers, Stress.deadline(Duration.ofSeconds(50)));
    pruned.addAll(store.prune(ALL).deleted());

    assertTrue(prunes.get() > 0, "no prune completed while the workers ran");
    Set<String> left = new TreeSet<>();
    for (Volume v : store.list(VolumeFilter.all())) {
      left.add(v.name());
    }
    Set<String> expected = new TreeSet<>(kept);
    expected.add("common");
    assertEquals(expected, left, "volumes in use stay, every unused one is pruned");
    assertEquals(released, pruned, "what prune reported is exactly what was released");
    for (String name : kept) {
      assertEquals(name, Files.readString(store.get(name).mountpoint().resolve("file")), name + "'s data");
      assertEquals(1, store.get(name).references().size());
      assertTrue(store.get(name).mounts().isEmpty());
    }
    Volume common = store.get("common");
    assertEquals(WORKERS, common.references().size(), "one reference per worker: " + common.references());
    assertTrue(common.mounts().isEmpty(), "common mounts: " + common.mounts());
    try (var files = Files.list(common.mountpoint())) {
      assertEquals(WORKERS, files.count());
    }
  }

  @Test
  void create_sameNameFrom16Threads_oneVolumeEveryReference() throws Exception {
    int rounds = Stress.iterations(10);
    for (int round = 0; round < rounds; round++) {
      String name = "same" + round;
      Set<java.time.Instant> created = ConcurrentHashMap.newKeySet();
      Stress.run(16, Duration.ofSeconds(30), thread -> {
        Volume v = thread % 2 == 0
            ? store.create(new VolumeSpec(Optional.of(name), VolumeStore.LOCAL, Map.of(), Map.of("k", "v")))
            : store.create(new VolumeSpec(Optional.of(name), VolumeStore.LOCAL, Map.of(), Map.of("k", "v")),
                "c" + thread);
        created.add(v.createdAt());
      });
      assertEquals(1, created.size(), "every thread got the same volume: " + created);
      assertEquals(8, store.get(name).references().size());
    }
    assertEquals(rounds, store.list(VolumeFilter.all()).size());
  }
}
