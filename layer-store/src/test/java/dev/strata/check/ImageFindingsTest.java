package dev.strata.check;

import static dev.strata.check.CheckStores.check;
import static dev.strata.check.CheckStores.kinds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.files.FileTrees;
import dev.strata.image.Image;
import dev.strata.layer.Layer;
import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images and tags against the layers: dangling tags, images whose top layer is gone. */
class ImageFindingsTest {

  @TempDir Path tmp;
  private Path root;
  private Layer layer;
  private Image one;
  private Image two;

  @BeforeEach
  void load() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "layers with owners need root");
    root = tmp.resolve("root");
    try (CheckStores s = CheckStores.open(root)) {
      layer = s.layer(Optional.empty(), "hello.txt", "hello");
      one = s.image(List.of(layer), "2024-01-01T00:00:00Z", "test/app:1");
      two = s.image(List.of(layer), "2024-01-02T00:00:00Z", "test/app:2");
      s.layers.release(layer.chainId());
    }
  }

  @Test
  void run_withImageConfigGone_reportsDanglingTagAndRepairDropsIt() throws IOException {
    Path repositories = root.resolve("image/vfs/repositories.json");
    Files.delete(root.resolve("image/vfs/imagedb/content/sha256").resolve(two.id().digest().hex()));

    CheckReport report = check(root, false);
    // An interrupted rmi: the config went, the tag and the layer's reference stayed.
    assertEquals(List.of("BAD_REFERENCE_COUNT " + layer.chainId(), "DANGLING_TAG test/app:2"), kinds(report));
    assertFalse(report.dataLoss());
    assertTrue(Files.readString(repositories).contains("test/app:2"), "report only keeps the tag");

    CheckReport repaired = check(root, true);
    assertTrue(repaired.consistent(), repaired.toString());
    assertFalse(Files.readString(repositories).contains("test/app:2"));
    assertTrue(Files.readString(repositories).contains("test/app:1"));
    assertTrue(check(root, false).consistent());
  }

  @Test
  void run_withTopLayerUnregistered_reportsDanglingImageLayerAndRepairKeepsTheImage() throws IOException {
    Path config = root.resolve("image/vfs/imagedb/content/sha256").resolve(one.id().digest().hex());
    try (CheckStores s = CheckStores.open(root)) {
      FileTrees.delete(s.driverDir(layer.chainId()));
      FileTrees.delete(s.record(layer.chainId()));
    }

    CheckReport report = check(root, true);
    assertEquals(Stream.of("DANGLING_IMAGE_LAYER " + one.id(), "DANGLING_IMAGE_LAYER " + two.id()).sorted().toList(),
        kinds(report));
    assertTrue(report.dataLoss());
    assertTrue(report.findings().stream().noneMatch(Finding::isRepaired));
    assertTrue(Files.exists(config), "the image stays until rmi --force");
    assertEquals(2, check(root, false).remaining().size());
  }
}
