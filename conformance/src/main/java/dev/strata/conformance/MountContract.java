package dev.strata.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Capability;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.Mount;
import dev.strata.driver.Mounter;
import dev.strata.driver.Usage;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.MountTable;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.TreeSnapshot.Times;
import dev.strata.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Mount reference counts, views, capabilities that must be true, usage, concurrency. */
public interface MountContract extends DriverContract {

  int THREADS = 8;

  @Test
  default void mount_nTimes_needsNUnmounts() throws IOException {
    writable("rw", null);

    Path first = driver().mount(id("rw"));
    for (int i = 2; i <= 5; i++) {
      assertEquals(first, driver().mount(id("rw")));
      assertEquals(i, driver().mountCount(id("rw")));
    }
    for (int i = 4; i >= 1; i--) {
      driver().unmount(id("rw"));
      assertEquals(i, driver().mountCount(id("rw")));
      assertTrue(Files.isDirectory(first), "view gone with " + i + " references left");
    }
    driver().unmount(id("rw"));

    assertEquals(0, driver().mountCount(id("rw")));
  }

  /**
   * Several processes may open one home at once (each {@code strata} command is one): a mount taken
   * in one is counted in every other, the view stays until the last reference anywhere goes, and a
   * layer mounted elsewhere cannot be removed.
   */
  @Test
  default void mountCount_secondDriverOnTheHome_sharesCountsAndView() throws IOException {
    writable("rw", null);
    Path view = driver().mount(id("rw"));
    Files.writeString(view.resolve("f"), "written through the first driver");
    GraphDriver other = harness().openAlongside();

    assertEquals(1, other.mountCount(id("rw")));
    assertEquals(view, other.mount(id("rw")));
    assertEquals(2, driver().mountCount(id("rw")));
    driver().unmount(id("rw"));
    assertEquals("written through the first driver", Files.readString(view.resolve("f")),
        "the view stays while the second driver holds it");
    assertThrows(FailedPreconditionException.class, () -> driver().remove(id("rw")));
    other.unmount(id("rw"));

    assertEquals(0, driver().mountCount(id("rw")));
    assertEquals(0, other.mountCount(id("rw")));
    assertThrows(FailedPreconditionException.class, () -> other.unmount(id("rw")));
    if (declares(Capability.REAL_MOUNTS)) {
      assertEquals(List.of(), MountTable.self().mountPointsUnder(home()), "the last reference unmounted the view");
    }
  }

  /**
   * An open that sweeps (no other process about) keeps a view that is still counted, as a
   * container's {@code strata mount} leaves it for the container running there: the same view,
   * mounted once, in use meanwhile, and its count kept.
   */
  @Test
  default void reopen_countedViewInUse_staysMountedAndCounted() throws IOException {
    writable("rw", null);
    Path view = driver().mount(id("rw"));
    Files.writeString(view.resolve("f"), "kept");
    // An open file keeps a real view busy: unmounting it would fail, or with a lazy unmount leave
    // two mounts of one upper directory.
    try (var busy = Files.newByteChannel(view.resolve("f"))) {
      GraphDriver again = reopen();

      assertEquals(1, again.mountCount(id("rw")), "the count outlives the driver that took it");
      assertEquals(view, again.mount(id("rw")));
      assertEquals("kept", Files.readString(view.resolve("f")));
      if (declares(Capability.REAL_MOUNTS)) {
        assertEquals(List.of(view), MountTable.self().mountPointsUnder(home()), "one mount, left in place");
      }
      again.unmount(id("rw"));
    }
    driver().unmount(id("rw"));
    assertEquals(0, driver().mountCount(id("rw")));
  }

  /**
   * An open that sweeps settles views against counts: a counted view no longer mounted (a reboot or
   * a power cut took it) loses its count, and a mount where no count is (a process died between
   * mounting and counting) goes. Where views are plain directories there is nothing to lose, and
   * the count stays.
   */
  @Test
  default void reopen_viewsAndCountsApart_areSettled() throws IOException {
    writable("lost", null);
    writable("stray", null);
    Path lost = driver().mount(id("lost"));
    Path stray = driver().mount(id("stray"));
    driver().unmount(id("stray"));
    boolean real = declares(Capability.REAL_MOUNTS);
    if (real) {
      Mounter.system().unmount(lost);
      // A driver may remove an unmounted view's directory.
      Files.createDirectories(stray);
      Mounter.system().mount(new Mount("tmpfs", "stray", stray, List.of()));
    }

    GraphDriver again = reopen();

    assertEquals(real ? 0 : 1, again.mountCount(id("lost")));
    assertEquals(0, again.mountCount(id("stray")));
    assertEquals(List.of(), MountTable.self().mountPointsUnder(home()), "nothing stays mounted");
    assertEquals(lost, again.mount(id("lost")), "the layer mounts again");
    if (!real) {
      again.unmount(id("lost"));
    }
    again.unmount(id("lost"));
    assertEquals(0, again.mountCount(id("lost")));
  }

  /** A driver opened while another works in the home reads the layers the other made or removed. */
  @Test
  default void refresh_layersMadeAndRemovedByASecondDriver_areSeen() throws IOException {
    writable("kept", null);
    writable("removed", null);
    GraphDriver other = harness().openAlongside();
    writable("late", "kept");
    driver().remove(id("removed"));

    other.refresh();

    assertEquals(Set.of(id("kept"), id("late")), other.layers());
    assertEquals(parent("kept"), other.info(id("late")).parent());
    Path view = other.mount(id("late"));
    assertTrue(Files.isDirectory(view));
    other.unmount(id("late"));
  }

  @Test
  default void remove_mountedLayerForced_unmountsAndRemoves() throws IOException {
    writable("rw", null);
    Path view = driver().mount(id("rw"));
    Files.writeString(view.resolve("f"), "content");
    driver().mount(id("rw"));

    driver().remove(id("rw"), true);

    assertFalse(driver().exists(id("rw")));
    assertEquals(0, driver().mountCount(id("rw")));
    assertEquals(List.of(), MountTable.self().mountPointsUnder(home()));
    assertThrows(NotFoundException.class, () -> driver().remove(id("rw"), true));
  }

  @Test
  default void remove_unmountedLayerNotForced_removes() throws IOException {
    writable("rw", null);

    driver().remove(id("rw"), false);

    assertFalse(driver().exists(id("rw")));
  }

  @Test
  default void remove_parentForced_throwsFailedPreconditionAndKeepsMount() throws IOException {
    writable("parent", null);
    writable("child", "parent");
    driver().mount(id("parent"));

    assertThrows(FailedPreconditionException.class, () -> driver().remove(id("parent"), true));

    assertTrue(driver().exists(id("parent")));
    assertEquals(1, driver().mountCount(id("parent")));
  }

  @Test
  default void unmount_notMounted_throwsFailedPrecondition() throws IOException {
    writable("rw", null);

    assertThrows(FailedPreconditionException.class, () -> driver().unmount(id("rw")));
    driver().mount(id("rw"));
    driver().unmount(id("rw"));
    assertThrows(FailedPreconditionException.class, () -> driver().unmount(id("rw")));
    assertEquals(0, driver().mountCount(id("rw")));
  }

  @Test
  default void mount_missingLayer_throwsNotFound() throws IOException {
    assertThrows(NotFoundException.class, () -> driver().mount(id("ghost")));
    assertThrows(NotFoundException.class, () -> driver().mounts(id("ghost"), scratch()));
  }

  @Test
  default void mount_concurrentFrom8Threads_endsAtZero() throws Exception {
    readOnly("base", null, new LayerTarBuilder().file("f", "content", 0644));
    writable("rw", "base");
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Void>> work = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      work.add(() -> {
        start.await();
        for (int i = 0; i < 50; i++) {
          for (String id : new String[] {"base", "rw"}) {
            Path view = driver().mount(id(id));
            assertEquals("content", Files.readString(view.resolve("f")));
            driver().unmount(id(id));
          }
        }
        return null;
      });
    }

    runAll(work, start);

    assertEquals(0, driver().mountCount(id("base")));
    assertEquals(0, driver().mountCount(id("rw")));
  }

  @Test
  default void createAndRemove_concurrentSiblingsFrom8Threads_leaveOnlyBase() throws Exception {
    readOnly("base", null, new LayerTarBuilder().file("f", "content", 0644));
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Void>> work = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String sibling = "sib" + t;
      work.add(() -> {
        start.await();
        for (int i = 0; i < 10; i++) {
          writable(sibling, "base");
          Path view = driver().mount(id(sibling));
          Files.writeString(view.resolve("mine"), sibling);
          driver().unmount(id(sibling));
          driver().remove(id(sibling));
        }
        return null;
      });
    }

    runAll(work, start);

    assertEquals(java.util.Set.of(id("base")), driver().layers());
  }

  @Test
  default void capabilities_readOnlyViews_matchWhetherViewRejectsWrites() throws IOException {
    readOnly("ro", null, new LayerTarBuilder().file("f", "image content", 0644));
    boolean declared = declares(Capability.READ_ONLY_VIEWS);

    Path view = driver().mount(id("ro"));
    boolean rejected;
    try {
      Files.writeString(view.resolve("probe"), "x");
      rejected = false;
      Files.delete(view.resolve("probe"));
    } catch (FileSystemException e) {
      rejected = true;
      assertTrue(String.valueOf(e.getReason()).contains("Read-only file system"), e.toString());
      assertThrows(FileSystemException.class, () -> Files.writeString(view.resolve("f"), "changed"));
      assertThrows(FileSystemException.class, () -> Files.createDirectory(view.resolve("d")));
    } finally {
      driver().unmount(id("ro"));
    }

    assertEquals(declared, rejected, "READ_ONLY_VIEWS declared: " + declared + ", writes rejected: " + rejected);
  }

  @Test
  default void capabilities_deviceNodes_matchWhetherDeviceTarApplies() throws IOException {
    boolean declared = declares(Capability.DEVICE_NODES);
    LayerTarBuilder tar = new LayerTarBuilder().charDevice("null", 0666, 1, 3);

    if (declared) {
      readOnly("dev", null, tar);
      assertEquals("1:3", snapshot("dev").get("/null").device());
    } else {
      assertThrows(UnsupportedException.class, () -> readOnly("dev", null, tar));
      assertFalse(driver().exists(id("dev")));
    }
  }

  @Test
  default void mounts_performedWithSystemMounter_presentTheView() throws IOException {
    assumeRoot("mount(2)");
    readOnly("base", null, ContractLayers.richBase());
    writable("rw", "base");
    Path target = Files.createDirectory(scratch().resolve("target"));

    List<Mount> mounts = driver().mounts(id("rw"), target);
    Mounter mounter = Mounter.system();
    assertFalse(mounts.isEmpty(), "no mounts to present the view at " + target);
    List<Path> done = new ArrayList<>();
    try {
      for (Mount m : mounts) {
        mounter.mount(m);
        done.add(m.target());
      }
      TreeSnapshot.of(target).assertMatches(snapshot("rw"), Times.EXACT);
    } finally {
      for (int i = done.size() - 1; i >= 0; i--) {
        mounter.unmount(done.get(i));
      }
    }
  }

  @Test
  default void usage_layerWithKnownContent_countsItsBytesAndInodes() throws IOException {
    byte[] blob = new byte[300 * 1024];
    new Random(7).nextBytes(blob);
    readOnly("base", null, new LayerTarBuilder().dir("d", 0755).file("d/blob", blob, 0644)
        .file("d/small", "small", 0644));

    Usage usage = driver().usage(id("base"));

    assertTrue(usage.bytes() >= blob.length, "bytes " + usage.bytes());
    assertTrue(usage.inodes() >= 3, "inodes " + usage.inodes());
  }

  private static void runAll(List<Callable<Void>> work, CountDownLatch start) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(work.size());
    try {
      List<Future<Void>> results = new ArrayList<>();
      for (Callable<Void> w : work) {
        results.add(pool.submit(w));
      }
      start.countDown();
      for (Future<Void> f : results) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
