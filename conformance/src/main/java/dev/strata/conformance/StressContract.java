package dev.strata.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.GraphDriver;
import dev.strata.files.MountTable;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.Stress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Many threads mounting and unmounting a few shared layers: the reference count is exact, every
 * mount of a layer presents the same path, and nothing stays mounted afterwards.
 *
 * <p>The CI size is 64 threads &times; {@value #CI_ROUNDS} rounds of two mount/unmount pairs
 * (about 20,000 operations over read-only layers and a writable one); {@code -Dstrata.soak=true}
 * multiplies the rounds (see {@link Stress}).
 */
public interface StressContract extends DriverContract {

  int STRESS_THREADS = 64;
  int CI_ROUNDS = 160;
  List<String> SHARED = List.of("base", "mid", "side", "rw");

  @Test
  default void mount_64ThreadsOnSharedLayers_exactCountsSamePathsNothingLeftMounted() throws Exception {
    readOnly("base", null, new LayerTarBuilder().file("f", "base", 0644));
    readOnly("mid", "base", new LayerTarBuilder().file("g", "mid", 0644));
    readOnly("side", "base", new LayerTarBuilder().file("g", "side", 0644));
    writable("rw", "mid");
    GraphDriver driver = driver();
    List<Path> mountedBefore = MountTable.self().mountPointsUnder(driver.home());
    Map<String, Set<Path>> paths = new ConcurrentHashMap<>();
    int rounds = Stress.iterations(CI_ROUNDS);

    Stress.run(STRESS_THREADS, Stress.deadline(Duration.ofSeconds(50)), thread -> {
      for (int i = 0; i < rounds; i++) {
        // Two layers held at once, in an order that differs between threads, so that first
        // mounts and last unmounts of one layer interleave with those of another.
        String outer = SHARED.get((thread + i) % SHARED.size());
        String inner = SHARED.get((thread + 2 * i + 1) % SHARED.size());
        Path outerView = driver.mount(id(outer));
        paths.computeIfAbsent(outer, k -> ConcurrentHashMap.newKeySet()).add(outerView);
        assertTrue(driver.mountCount(id(outer)) >= 1, outer + " mounted but counted 0");
        Path innerView = driver.mount(id(inner));
        paths.computeIfAbsent(inner, k -> ConcurrentHashMap.newKeySet()).add(innerView);
        assertEquals("base", Files.readString(innerView.resolve("f")), inner + " at " + innerView);
        driver.unmount(id(inner));
        assertEquals("base", Files.readString(outerView.resolve("f")), outer + " at " + outerView);
        driver.unmount(id(outer));
      }
    });

    for (String layer : SHARED) {
      assertEquals(0, driver.mountCount(id(layer)), "mount count of " + layer);
      assertEquals(1, paths.get(layer).size(), "paths presented for " + layer + ": " + paths.get(layer));
    }
    assertEquals(mountedBefore, MountTable.self().mountPointsUnder(driver.home()),
        "mounts under the driver home after the stress");
    for (String layer : SHARED) {
      assertEquals(paths.get(layer), Set.of(driver.mount(id(layer))), "view of " + layer + " after the stress");
      assertEquals(1, driver.mountCount(id(layer)));
      driver.unmount(id(layer));
    }
  }

  @Test
  default void mount_concurrentFirstMounts_allSeeOnePathAndOneCount() throws Exception {
    readOnly("base", null, new LayerTarBuilder().file("f", "base", 0644));
    writable("rw", "base");
    GraphDriver driver = driver();
    int rounds = Stress.iterations(20);

    for (int round = 0; round < rounds; round++) {
      Set<Path> views = ConcurrentHashMap.newKeySet();
      Stress.run(STRESS_THREADS, Duration.ofSeconds(30), thread -> {
        String layer = thread % 2 == 0 ? "base" : "rw";
        views.add(driver.mount(id(layer)));
      });
      assertEquals(STRESS_THREADS / 2, driver.mountCount(id("base")));
      assertEquals(STRESS_THREADS / 2, driver.mountCount(id("rw")));
      assertEquals(2, views.size(), "views: " + views);
      Stress.run(STRESS_THREADS, Duration.ofSeconds(30), thread ->
          driver.unmount(id(thread % 2 == 0 ? "base" : "rw")));
      assertEquals(0, driver.mountCount(id("base")));
      assertEquals(0, driver.mountCount(id("rw")));
    }
    assertEquals(List.of(), MountTable.self().mountPointsUnder(driver.home()));
  }
}
