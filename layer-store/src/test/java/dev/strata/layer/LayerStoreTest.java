package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Change;
import dev.strata.driver.Digest;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.testing.LayerTarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerStoreTest {

  @TempDir Path root;
  private LayerStore store;

  @BeforeEach
  void open() throws IOException {
    store = LayerStore.open(LayerStoreConfig.of(root, "vfs"));
  }

  @AfterEach
  void close() throws IOException {
    store.close();
  }

  private static byte[] base() throws IOException {
    return new LayerTarBuilder().dir("etc", 0755).file("etc/os-release", "NAME=test\n", 0644)
        .dir("usr", 0755).file("usr/a", "a", 0644).build();
  }

  private Layer register(byte[] tar, Optional<ChainId> parent) throws IOException {
    return store.register(new ByteArrayInputStream(tar), parent, Optional.empty());
  }

  private long driverLayers() throws IOException {
    try (Stream<Path> s = Files.list(root.resolve("vfs/dir"))) {
      return s.count();
    }
  }

  @Test
  void register_baseAndChild_computesDiffIdsAndChainIds() throws Exception {
    byte[] t1 = base();
    byte[] t2 = new LayerTarBuilder().file("usr/b", "b", 0644).whiteout("usr/a").build();
    Layer l1 = register(t1, Optional.empty());
    Layer l2 = register(t2, Optional.of(l1.chainId()));

    assertEquals(Digest.sha256Of(t1).toString(), l1.diffId().toString());
    assertEquals(l1.diffId(), l1.chainId().digest());
    assertEquals(Digest.sha256Of(t2).toString(), l2.diffId().toString());
    assertEquals(Digest.sha256Of((l1.chainId() + " " + l2.diffId()).getBytes()).toString(), l2.chainId().toString());
    assertEquals(2, l2.depth());
    assertEquals(Optional.of(l1.chainId()), l2.parent());
    assertEquals(2, store.layers().size());
  }

  @Test
  void register_sameContentTwice_keepsOneCopyWithTwoReferences() throws Exception {
    byte[] t = base();
    Layer a = register(t, Optional.empty());
    Layer b = register(t, Optional.empty());
    assertEquals(a, b);
    assertEquals(2, store.references(a.chainId()));
    assertEquals(1, driverLayers());
  }

  @Test
  void register_expectedDiffIdMismatch_throwsCorruptAndLeavesNothing() throws Exception {
    Digest wrong = Digest.parse("sha256:" + "0".repeat(64));
    assertThrows(CorruptException.class,
        () -> store.register(new ByteArrayInputStream(base()), Optional.empty(), Optional.of(wrong)));
    assertEquals(List.of(), store.layers());
    assertEquals(0, driverLayers());
  }

  @Test
  void register_junk_throwsCorruptAndLeavesNothing() throws Exception {
    byte[] junk = new byte[1500];
    java.util.Arrays.fill(junk, (byte) 'x');
    assertThrows(CorruptException.class, () -> register(junk, Optional.empty()));
    assertEquals(List.of(), store.layers());
    assertEquals(0, driverLayers());
  }

  @Test
  void register_unknownParent_throwsNotFound() {
    ChainId missing = ChainId.parse("sha256:" + "1".repeat(64));
    assertThrows(NotFoundException.class, () -> register(base(), Optional.of(missing)));
  }

  @Test
  void register_knownDiffIdAlreadyPresent_drainsAndRetains() throws Exception {
    byte[] t = base();
    Layer a = register(t, Optional.empty());
    Layer b = store.register(new ByteArrayInputStream(t), Optional.empty(), Optional.of(a.diffId()));
    assertEquals(a, b);
    assertEquals(2, store.references(a.chainId()));
    byte[] other = new LayerTarBuilder().file("x", "y", 0644).build();
    assertThrows(CorruptException.class,
        () -> store.register(new ByteArrayInputStream(other), Optional.empty(), Optional.of(a.diffId())));
    assertEquals(2, store.references(a.chainId()));
  }

  @Test
  void release_lastReference_removesLayerAndUnusedAncestors() throws Exception {
    Layer l1 = register(base(), Optional.empty());
    Layer l2 = register(new LayerTarBuilder().file("b", "b", 0644).build(), Optional.of(l1.chainId()));
    assertEquals(List.of(), store.release(l1.chainId()), "a layer with a child stays");
    assertTrue(store.get(l1.chainId()).isPresent());
    assertEquals(List.of(l2.chainId(), l1.chainId()), store.release(l2.chainId()));
    assertEquals(List.of(), store.layers());
    assertEquals(0, driverLayers());
  }

  @Test
  void release_unreferenced_throwsFailedPrecondition() throws Exception {
    Layer l1 = register(base(), Optional.empty());
    Layer l2 = register(new LayerTarBuilder().file("b", "b", 0644).build(), Optional.of(l1.chainId()));
    store.release(l1.chainId());
    assertThrows(FailedPreconditionException.class, () -> store.release(l1.chainId()));
    assertTrue(store.get(l2.chainId()).isPresent());
  }

  @Test
  void export_registeredTar_isByteIdentical() throws Exception {
    byte[] t1 = base();
    Layer l1 = register(t1, Optional.empty());
    byte[] t2 = new LayerTarBuilder().file("usr/b", "b".repeat(1000), 0644).whiteout("usr/a").dir("var", 0755)
        .build();
    Layer l2 = register(t2, Optional.of(l1.chainId()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.export(l2.chainId(), out);
    assertArrayEquals(t2, out.toByteArray());
    out.reset();
    store.export(l1.chainId(), out);
    assertArrayEquals(t1, out.toByteArray());
  }

  @Test
  void export_tamperedData_throwsCorruptAndWritesNothing() throws Exception {
    Layer l1 = register(base(), Optional.empty());
    try (Stream<Path> dirs = Files.list(root.resolve("vfs/dir"))) {
      Path layerDir = dirs.findFirst().orElseThrow();
      Files.writeString(layerDir.resolve("etc/os-release"), "NAME=evil\n");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThrows(CorruptException.class, () -> store.export(l1.chainId(), out));
    assertEquals(0, out.size());
  }

  @Test
  void writeLayer_initFilesVisibleButNotInChanges() throws Exception {
    Layer l1 = register(base(), Optional.empty());
    store.writeLayers().create("web", Optional.of(l1.chainId()), InitHook.dockerLike(), Map.of());
    Path rootfs = store.writeLayers().mount("web");
    try {
      assertTrue(Files.exists(rootfs.resolve(".dockerenv")));
      assertTrue(Files.exists(rootfs.resolve("etc/hosts")));
      Files.writeString(rootfs.resolve("etc/motd"), "hi");
      Files.delete(rootfs.resolve("usr/a"));
    } finally {
      store.writeLayers().unmount("web");
    }
    assertEquals(List.of(
            new Change("/etc", Change.Kind.MODIFIED),
            new Change("/etc/motd", Change.Kind.ADDED),
            new Change("/usr", Change.Kind.MODIFIED),
            new Change("/usr/a", Change.Kind.DELETED)),
        store.writeLayers().changes("web"));
    assertEquals(2, store.writeLayers().size("web"));
  }

  @Test
  void commit_container_yieldsLayerReproducingItsTree() throws Exception {
    Layer l1 = register(base(), Optional.empty());
    store.writeLayers().create("c1", Optional.of(l1.chainId()), InitHook.none(), Map.of());
    Path rootfs = store.writeLayers().mount("c1");
    try {
      Files.writeString(rootfs.resolve("etc/os-release"), "NAME=changed\n");
      Files.createDirectories(rootfs.resolve("srv/data"));
      Files.writeString(rootfs.resolve("srv/data/x"), "x");
      Files.delete(rootfs.resolve("usr/a"));
    } finally {
      store.writeLayers().unmount("c1");
    }
    Layer committed = store.writeLayers().commit("c1");
    assertEquals(Optional.of(l1.chainId()), committed.parent());
    store.writeLayers().create("c2", Optional.of(committed.chainId()), InitHook.none(), Map.of());
    Path view = store.writeLayers().mount("c2");
    try {
      assertEquals("NAME=changed\n", Files.readString(view.resolve("etc/os-release")));
      assertEquals("x", Files.readString(view.resolve("srv/data/x")));
      assertFalse(Files.exists(view.resolve("usr/a")));
    } finally {
      store.writeLayers().unmount("c2");
    }
    assertEquals(List.of(), store.writeLayers().changes("c2"));
  }

  @Test
  void createWriteLayer_badOrDuplicateName_refused() throws Exception {
    assertThrows(InvalidArgumentException.class,
        () -> store.writeLayers().create("../x", Optional.empty(), InitHook.none(), Map.of()));
    store.writeLayers().create("ok", Optional.empty(), InitHook.none(), Map.of());
    assertThrows(AlreadyExistsException.class,
        () -> store.writeLayers().create("ok", Optional.empty(), InitHook.none(), Map.of()));
  }

  @Test
  void removeWriteLayer_mounted_throwsFailedPreconditionUntilUnmounted() throws Exception {
    store.writeLayers().create("c1", Optional.empty(), InitHook.none(), Map.of());
    store.writeLayers().mount("c1");
    assertThrows(FailedPreconditionException.class, () -> store.writeLayers().remove("c1"));
    store.writeLayers().unmount("c1");
    store.writeLayers().remove("c1");
    assertEquals(Optional.empty(), store.writeLayers().get("c1"));
    assertEquals(0, driverLayers());
  }

  @Test
  void release_layerUnderContainer_staysUntilContainerRemoved() throws Exception {
    Layer l1 = register(base(), Optional.empty());
    store.writeLayers().create("c1", Optional.of(l1.chainId()), InitHook.none(), Map.of());
    assertEquals(List.of(), store.release(l1.chainId()));
    assertTrue(store.get(l1.chainId()).isPresent());
    store.writeLayers().remove("c1");
    assertEquals(Optional.empty(), store.get(l1.chainId()));
    assertEquals(0, driverLayers());
  }

  @Test
  void open_afterRestart_restoresLayersReferencesAndContainers() throws Exception {
    Layer l1 = register(base(), Optional.empty());
    register(base(), Optional.empty());
    store.writeLayers().create("c1", Optional.of(l1.chainId()), InitHook.dockerLike(), Map.of());
    store.close();
    store = LayerStore.open(LayerStoreConfig.of(root, "vfs"));
    assertEquals(List.of(l1), store.layers());
    assertEquals(2, store.references(l1.chainId()));
    assertEquals(Optional.of(l1.chainId()), store.writeLayers().get("c1").orElseThrow().parent());
    assertEquals(List.of(), store.writeLayers().changes("c1"));
  }

  /**
   * Processes that died between taking a driver mount reference and counting it in the records (or
   * while they held a mount of their own) leave driver counts the records do not hold; an open with
   * no other process about brings them back to the records.
   */
  @Test
  void open_afterProcessesDiedHoldingMounts_settlesDriverCountsToTheRecords() throws Exception {
    Layer l1 = register(base(), Optional.empty());
    store.writeLayers().create("c1", Optional.of(l1.chainId()), InitHook.dockerLike(), Map.of());
    store.writeLayers().create("c2", Optional.of(l1.chainId()), InitHook.dockerLike(), Map.of());
    store.writeLayers().mount("c1");
    LayerId c1 = LayerId.of(store.writeLayers().get("c1").orElseThrow().mountId());
    LayerId c2 = LayerId.of(store.writeLayers().get("c2").orElseThrow().mountId());
    store.close();
    DriverConfig alongside = DriverConfig.of(root.resolve("vfs")).withSweep(false);
    try (GraphDriver died = new GraphDrivers().open("vfs", alongside)) {
      died.mount(c1);
      died.mount(c1);
      died.mount(c2);
    }

    store = LayerStore.open(LayerStoreConfig.of(root, "vfs"));

    try (GraphDriver driver = new GraphDrivers().open("vfs", alongside)) {
      assertEquals(1, driver.mountCount(c1), "c1's record counts one mount");
      assertEquals(0, driver.mountCount(c2), "nothing counts c2 as mounted");
    }
    assertEquals(1, store.writeLayers().mountCount("c1"));
    store.writeLayers().unmount("c1");
    store.writeLayers().remove("c2");
  }

  @Test
  void open_afterAProcessDiedWithAnOrphanLayerMounted_removesIt() throws Exception {
    Layer l1 = register(base(), Optional.empty());
    store.close();
    // A create killed while its init layer was mounted: a driver layer no record names, counted.
    try (GraphDriver died = new GraphDrivers().open("vfs", DriverConfig.of(root.resolve("vfs")).withSweep(false))) {
      died.createWritable(LayerId.of("orphan-init"), Optional.empty(), Map.of());
      died.mount(LayerId.of("orphan-init"));
    }
    assertEquals(2, driverLayers());

    store = LayerStore.open(LayerStoreConfig.of(root, "vfs"));

    assertEquals(1, driverLayers(), "the orphan went, mounted as it was");
    assertEquals(List.of(l1), store.layers());
  }

  @Test
  void open_withLeftovers_sweepsThem() throws Exception {
    Layer l1 = register(base(), Optional.empty());
    store.close();
    Files.createDirectories(root.resolve("image/vfs/layerdb/tmp/half-register/x"));
    Files.writeString(root.resolve("tmp/commit-123.tar"), "partial");
    try (var driver = new dev.strata.driver.GraphDrivers().open("vfs",
        dev.strata.driver.DriverConfig.of(root.resolve("vfs")))) {
      driver.createWritable(dev.strata.driver.LayerId.of("orphan"), Optional.empty(), Map.of());
    }
    assertEquals(2, driverLayers());
    store = LayerStore.open(LayerStoreConfig.of(root, "vfs"));
    assertEquals(1, driverLayers());
    assertEquals(List.of(l1), store.layers());
    try (Stream<Path> s = Files.list(root.resolve("image/vfs/layerdb/tmp"))) {
      assertEquals(0, s.count());
    }
    try (Stream<Path> s = Files.list(root.resolve("tmp"))) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void register_sameTarFromManyThreads_endsAsOneLayer() throws Exception {
    byte[] t = new LayerTarBuilder().dir("data", 0755).file("data/big", "z".repeat(200_000), 0644).build();
    int threads = 6;
    var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<Layer>> results = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> register(t, Optional.empty())));
      }
      Layer first = results.get(0).get();
      for (var f : results) {
        assertEquals(first, f.get());
      }
      assertEquals(threads, store.references(first.chainId()));
      assertEquals(1, driverLayers());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void register_beyondMaxDepth_throwsFailedPrecondition() throws Exception {
    Optional<ChainId> parent = Optional.empty();
    for (int i = 0; i < store.maxDepth(); i++) {
      byte[] tar = new LayerTarBuilder().file("f", Integer.toString(i), 0644).build();
      parent = Optional.of(register(tar, parent).chainId());
    }
    Optional<ChainId> top = parent;
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> register(new LayerTarBuilder().file("one-too-many", "x", 0644).build(), top));
    assertTrue(e.getMessage().contains("at most " + store.maxDepth()), e.getMessage());
  }

  @Test
  void mount_thenReopen_keepsCountAndBindMountAcrossProcesses() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(new dev.strata.posix.FileNodes().isRoot(), "bind mounts need root");
    store.close();
    LayerStoreConfig bind = new LayerStoreConfig(root, Optional.of("vfs"), Map.of("vfs.bind", "true"),
        dev.strata.driver.Mounter.system());
    store = LayerStore.open(bind);
    Layer l1 = register(base(), Optional.empty());
    store.writeLayers().create("c1", Optional.of(l1.chainId()), InitHook.none(), Map.of());
    Path rootfs = store.writeLayers().mount("c1");
    store.close();

    store = LayerStore.open(bind);
    assertEquals(1, store.writeLayers().mountCount("c1"));
    assertTrue(isMountPoint(rootfs), rootfs + " is mounted again after reopening");
    assertEquals("NAME=test\n", Files.readString(rootfs.resolve("etc/os-release")));
    assertThrows(FailedPreconditionException.class, () -> store.writeLayers().remove("c1"));
    store.writeLayers().unmount("c1");
    assertEquals(0, store.writeLayers().mountCount("c1"));
    assertFalse(isMountPoint(rootfs));
    assertThrows(FailedPreconditionException.class, () -> store.writeLayers().unmount("c1"));
    store.writeLayers().remove("c1");
  }

  private static boolean isMountPoint(Path path) throws IOException {
    String p = path.toString();
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.split(" ")[4].equals(p));
  }
}
