package dev.strata.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.container.Container;
import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StoreUsage#report} on the store {@link UsageStores} builds: every figure exact. */
class StoreUsageTest {

  @TempDir Path tmp;
  private UsageStores stores;

  @BeforeEach
  void open() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "containers' root filesystems are real mounts");
    stores = new UsageStores(tmp.resolve("root"), "vfs");
    stores.buildTheStore();
  }

  @AfterEach
  void close() throws IOException {
    if (stores != null) {
      stores.close();
    }
    assertEquals(List.of(), UsageStores.unmountLeftovers(tmp), "mounts left behind");
  }

  @Test
  void report_images_countSharedLayersOnceAndOnlyUnusedImagesLayersAsReclaimable() throws IOException {
    UsageReport df = stores.usage().report();

    assertEquals(new Totals(3, 1, 100 + 20 + 3 + 4000 + 5, 4000 + 5), df.images());
    assertEquals(List.of(
        new ImageUsage(stores.images.get("app:1").id().toString(), List.of("app:1"),
            Instant.parse("2024-01-03T00:00:00Z"), 123, 100, 23, 2),
        new ImageUsage(stores.images.get("app:2").id().toString(), List.of("app:2"),
            Instant.parse("2024-01-02T00:00:00Z"), 4100, 100, 4000, 0),
        new ImageUsage(stores.images.get("solo:1").id().toString(), List.of("solo:1"),
            Instant.parse("2024-01-01T00:00:00Z"), 5, 0, 5, 0)), df.imageList());
  }

  @Test
  void report_containers_countMountedAsActiveAndUnmountedAsReclaimable() throws IOException {
    UsageReport df = stores.usage().report();

    assertEquals(new Totals(2, 1, 57, 7), df.containers());
    assertEquals(List.of(
        new ContainerUsage("c1", List.of("c1"), "app:1", 50, stores.containers.get("c1").created()),
        new ContainerUsage("c2", List.of("c2"), "app:1", 7, stores.containers.get("c2").created())),
        df.containerList());
  }

  @Test
  void report_volumes_countReferencedAsActiveAndUnreferencedAsReclaimable() throws IOException {
    UsageReport df = stores.usage().report();

    assertEquals(new Totals(2, 1, 311, 11), df.volumes());
    assertEquals(List.of(new VolumeUsage("full", 1, 300), new VolumeUsage("loose", 0, 11)), df.volumeList());
  }

  @Test
  void report_afterTheLastImageUserIsRemoved_movesItsLayersToReclaimable() throws IOException {
    stores.containers.unmount(stores.containers.get("c1"));
    stores.containers.remove(stores.containers.get("c1"), false, false);
    stores.containers.remove(stores.containers.get("c2"), false, false);

    UsageReport df = stores.usage().report();

    assertEquals(new Totals(3, 0, 4128, 4128), df.images());
    assertEquals(new Totals(0, 0, 0, 0), df.containers());
    assertEquals(new Totals(2, 0, 311, 311), df.volumes());
  }

  @Test
  void report_emptyStore_isAllZero() throws IOException {
    stores.close();
    stores = null;
    try (UsageStores empty = new UsageStores(tmp.resolve("empty"), "vfs")) {
      assertEquals(new UsageReport(new Totals(0, 0, 0, 0), new Totals(0, 0, 0, 0), new Totals(0, 0, 0, 0),
          List.of(), List.of(), List.of()), empty.usage().report());
    }
    assertEquals(List.of(), Files.list(tmp.resolve("empty/volumes")).filter(p -> !p.getFileName().toString().startsWith(".")).toList());
  }

  @Test
  void report_unmountedContainer_keepsItsCountUntilTheNextMount() throws IOException {
    Container c2 = stores.containers.get("c2");
    assertEquals(7, stores.containers.writeLayerSize(c2));
    Path kept = tmp.resolve("root/containers/c2/write-layer-size");
    assertEquals("7\n", Files.readString(kept), "the count is kept beside the container's record");
    Files.writeString(kept, "5\n"); // a figure the layer cannot give: read from the file, not counted
    assertEquals(5, stores.usage().report().containerList().get(1).writeLayerSizeBytes());

    Files.write(stores.containers.mount(c2).resolve("more"), new byte[30]);
    assertFalse(Files.exists(kept), "mounting forgets the kept count");
    assertEquals(37, stores.usage().report().containerList().get(1).writeLayerSizeBytes(), "mounted: counted");
    stores.containers.unmount(c2);
    assertEquals(37, stores.containers.writeLayerSize(c2));
    assertEquals("37\n", Files.readString(kept));
  }
}
