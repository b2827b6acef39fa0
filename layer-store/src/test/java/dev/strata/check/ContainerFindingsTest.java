package dev.strata.check;

import static dev.strata.check.CheckStores.check;
import static dev.strata.check.CheckStores.kinds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.image.Image;
import dev.strata.layer.InitHook;
import dev.strata.layer.Layer;
import dev.strata.posix.FileNodes;
import dev.strata.volume.MountSpec;
import dev.strata.volume.VolumeSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Container records against write layers, and volume references against containers. */
class ContainerFindingsTest {

  private static final String IMAGE = "test/app:1";

  @TempDir Path tmp;
  private Path root;
  private Image image;

  @BeforeEach
  void load() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "layers with owners need root");
    root = tmp.resolve("root");
    try (CheckStores s = CheckStores.open(root)) {
      Layer layer = s.layer(Optional.empty(), "hello.txt", "hello");
      image = s.image(List.of(layer), "2024-01-01T00:00:00Z", IMAGE);
      s.layers.release(layer.chainId());
    }
  }

  @Test
  void run_withRecordButNoWriteLayer_reportsItAndRepairDropsRecordAndVolumeReference() throws IOException {
    try (CheckStores s = CheckStores.open(root)) {
      s.containers.create(Optional.of("c1"), IMAGE, List.of(MountSpec.parseVolume("data:/data")));
      // An rm interrupted after the write layer went.
      s.layers.writeLayers().remove("c1");
    }

    CheckReport report = check(root, false);
    assertEquals(List.of("CONTAINER_WITHOUT_WRITE_LAYER c1", "VOLUME_REFERENCE_TO_MISSING_CONTAINER data/c1"),
        kinds(report));
    assertFalse(report.dataLoss());
    assertTrue(Files.exists(root.resolve("containers/c1/container.json")), "report only keeps the record");

    CheckReport repaired = check(root, true);
    assertTrue(repaired.consistent(), repaired.toString());
    assertFalse(Files.exists(root.resolve("containers/c1")));
    assertEquals(Set.of(), references("data"));
    assertTrue(check(root, false).consistent());
  }

  @Test
  void run_withWriteLayerButNoRecord_reportsItAndRepairKeepsTheWriteLayer() throws IOException {
    try (CheckStores s = CheckStores.open(root)) {
      // A create interrupted before the record was written.
      s.layers.writeLayers().create("c2", image.top(), InitHook.none(), Map.of());
    }

    CheckReport report = check(root, true);
    assertEquals(List.of("WRITE_LAYER_WITHOUT_RECORD c2"), kinds(report));
    assertFalse(report.findings().get(0).isRepaired());
    assertFalse(report.consistent());
    assertFalse(report.dataLoss());
    try (CheckStores s = CheckStores.open(root)) {
      assertTrue(s.layers.writeLayers().get("c2").isPresent(), "it holds the container's writes");
    }
  }

  @Test
  void run_withReferenceByUnknownContainer_reportsItAndRepairDropsTheReference() throws IOException {
    try (VolumeStore volumes = VolumeStore.open(root)) {
      volumes.create(new VolumeSpec(Optional.of("v1"), VolumeStore.LOCAL, Map.of(), Map.of()));
      volumes.acquire("v1", "ghost");
    }

    CheckReport report = check(root, false);
    assertEquals(List.of("VOLUME_REFERENCE_TO_MISSING_CONTAINER v1/ghost"), kinds(report));
    assertEquals(Set.of("ghost"), references("v1"));

    CheckReport repaired = check(root, true);
    assertTrue(repaired.consistent(), repaired.toString());
    assertEquals(Set.of(), references("v1"));
    assertTrue(check(root, false).consistent());
  }

  private Set<String> references(String volume) throws IOException {
    try (VolumeStore volumes = VolumeStore.open(root)) {
      return Set.copyOf(volumes.get(volume).references());
    }
  }
}
