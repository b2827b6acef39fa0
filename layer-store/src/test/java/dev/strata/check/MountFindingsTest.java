package dev.strata.check;

import static dev.strata.check.CheckStores.check;
import static dev.strata.check.CheckStores.kinds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.container.Container;
import dev.strata.driver.Mounter;
import dev.strata.files.MountTable;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import dev.strata.volume.MountSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persisted mount counts against the mount table: a container's root filesystem, a volume's mounts. */
class MountFindingsTest {

  private static final String IMAGE = "test/app:1";
  /** vfs presents views as bind mounts, so a mounted container shows in the mount table. */
  private static final Map<String, String> BIND = Map.of("vfs.bind", "true");

  @TempDir Path tmp;
  private Path root;
  private LayerStoreConfig config;

  @BeforeEach
  void load() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "layers with owners and bind mounts need root");
    root = tmp.resolve("root");
    config = CheckStores.config(root, BIND);
    try (CheckStores s = CheckStores.open(root, BIND)) {
      Layer layer = s.layer(Optional.empty(), "hello.txt", "hello");
      s.image(List.of(layer), "2024-01-01T00:00:00Z", IMAGE);
      s.layers.release(layer.chainId());
    }
  }

  @AfterEach
  void unmountLeftovers() throws IOException {
    if (root == null) {
      return;
    }
    List<Path> left = MountTable.self().mountPointsUnder(tmp);
    for (Path p : left) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), left, "mounts left behind");
  }

  @Test
  void run_withCountedRootfsUnmountedByHand_reportsStaleCountAndRepairDropsIt() throws IOException {
    try (CheckStores s = CheckStores.open(root, BIND)) {
      Container c = s.containers.create(Optional.of("c1"), IMAGE);
      s.containers.mount(c);
    }
    List<Path> views = MountTable.self().mountPointsUnder(root);
    assertEquals(1, views.size(), views.toString());
    Mounter.system().unmount(views.get(0));

    CheckReport report = check(config, true);
    assertEquals(List.of("STALE_MOUNT_COUNT c1"), kinds(report));
    assertTrue(report.consistent(), report.toString());
    assertEquals(List.of(), MountTable.self().mountPointsUnder(root));
    try (CheckStores s = CheckStores.open(root, BIND)) {
      assertEquals(0, s.layers.writeLayers().mountCount("c1"));
    }
    assertTrue(check(config, false).consistent());
  }

  @Test
  void run_withCountedRootfsMounted_findsNothing() throws IOException {
    try (CheckStores s = CheckStores.open(root, BIND)) {
      Container c = s.containers.create(Optional.of("c1"), IMAGE);
      s.containers.mount(c);
    }

    CheckReport report = check(config, false);
    assertEquals(List.of(), report.findings());
    try (CheckStores s = CheckStores.open(root, BIND)) {
      s.containers.unmount(s.containers.get("c1"));
    }
  }

  @Test
  void run_withVolumeMountedForUnmountedContainer_reportsStaleCountAndRepairDropsIt() throws IOException {
    try (CheckStores s = CheckStores.open(root, BIND)) {
      s.containers.create(Optional.of("c1"), IMAGE, List.of(MountSpec.parseVolume("data:/data")));
      // A container mount interrupted after its volumes were mounted and before its count was written.
      s.volumes.mount("data", "c1");
    }

    CheckReport report = check(config, false);
    assertEquals(List.of("STALE_MOUNT_COUNT data/c1"), kinds(report));
    assertEquals(Set.of("c1"), volumeMounts("data"));

    CheckReport repaired = check(config, true);
    assertTrue(repaired.consistent(), repaired.toString());
    assertEquals(Set.of(), volumeMounts("data"));
    assertTrue(check(config, false).consistent());
  }

  private Set<String> volumeMounts(String volume) throws IOException {
    try (VolumeStore volumes = VolumeStore.open(root)) {
      return Set.copyOf(volumes.get(volume).mounts());
    }
  }
}
