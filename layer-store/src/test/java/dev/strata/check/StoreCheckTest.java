package dev.strata.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.Mounter;
import dev.strata.files.MountTable;
import dev.strata.image.ImageStore;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.posix.FileNodes;
import dev.strata.posix.RawNames;
import dev.strata.testing.LayerTarBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** strata check's library: a clean store, then one inconsistency made by hand per test. */
class StoreCheckTest {

  @TempDir Path tmp;
  private Path root;
  private String chain;

  @BeforeEach
  void load() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "layers with owners need root");
    root = tmp.resolve("root");
    try (LayerStore layers = LayerStore.open(config())) {
      ImageStore images = ImageStore.open(layers);
      Layer layer = layers.register(new LayerTarBuilder().file("hello.txt", "hello", 0644).stream(), Optional.empty(),
          Optional.empty());
      String cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
          + "\"diff_ids\":[\"" + layer.diffId() + "\"]}}";
      images.add(cfg.getBytes(StandardCharsets.UTF_8), List.of("test/app:1"));
      layers.release(layer.chainId());
      chain = layer.chainId().toString();
    }
  }

  @Test
  void run_onCleanStore_findsNothing() throws IOException {
    CheckReport report = check(false);
    assertEquals(List.of(), report.findings());
    assertEquals(1, report.verifiedLayers());
    assertEquals(1, report.retention().layers().size());
    assertEquals(List.of("test/app:1"), report.retention().layers().get(0).images().get(0).tags());
  }

  @Test
  void run_layerWithNamesNotUtf8_verifiesTheFilesTheyName() throws IOException {
    Path names = tmp.resolve("names");
    try (LayerStore layers = LayerStore.open(LayerStoreConfig.of(names, "vfs"))) {
      ImageStore images = ImageStore.open(layers);
      Layer layer = layers.register(new LayerTarBuilder().namesAsBytes()
          .file("caf\u00e9", "latin-1", 0644)
          .dir("invalid-utf8-\u00ff\u00fe", 0755)
          .file("invalid-utf8-\u00ff\u00fe/overlong-\u00c0\u00af", "inside", 0644).stream(),
          Optional.empty(), Optional.empty());
      images.add(("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
          + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layer.diffId() + "\"]}}")
          .getBytes(StandardCharsets.UTF_8), List.of("test/names:1"));
      layers.release(layer.chainId());
    }
    assertEquals(List.of(), CheckStores.check(names, false).findings());

    Path file;
    try (var walk = Files.walk(names.resolve("vfs/dir"))) {
      file = walk.filter(p -> RawNames.of(p.getFileName()).equals("overlong-\u00c0\u00af")).findFirst().orElseThrow();
    }
    Files.writeString(file, "jnside");
    CheckReport report = CheckStores.check(names, false);

    assertEquals(1, report.findings().size(), report.toString());
    assertEquals(FindingKind.MODIFIED_LAYER, report.findings().get(0).kind(), report.toString());
  }

  @Test
  void run_withFlippedByte_reportsModifiedLayerAndRepairLeavesIt() throws IOException {
    Path file = find("hello.txt");
    Files.writeString(file, "jello");
    CheckReport report = check(true);
    assertEquals(1, report.findings().size());
    Finding f = report.findings().get(0);
    assertEquals(FindingKind.MODIFIED_LAYER, f.kind());
    assertEquals(chain, f.subject());
    assertFalse(f.isRepaired());
    assertTrue(report.dataLoss());
    assertEquals("jello", Files.readString(file));
  }

  @Test
  void run_withFileGrownInPlace_reportsModifiedLayer() throws IOException {
    // The rebuilt tar carries only the recorded bytes, so only the size check can see this.
    Files.writeString(find("hello.txt"), "hello, and more");
    CheckReport report = check(true);
    assertEquals(1, report.findings().size(), report.toString());
    assertEquals(FindingKind.MODIFIED_LAYER, report.findings().get(0).kind());
    assertEquals(chain, report.findings().get(0).subject());
    assertTrue(report.dataLoss());
  }

  @Test
  void run_withLeftoverAndOrphan_reportsThemAndRepairDeletesThem() throws IOException {
    Files.createDirectories(root.resolve("tmp/xyz"));
    Files.createDirectories(root.resolve("volumes/.staging-x"));
    CheckReport report = check(false);
    assertEquals(FindingKind.LEFTOVER_STAGING, report.findings().get(0).kind());
    assertTrue(Files.exists(root.resolve("tmp/xyz")), "report only must not sweep tmp/");
    CheckReport repaired = check(true);
    assertTrue(repaired.consistent(), repaired.toString());
    assertFalse(Files.exists(root.resolve("tmp/xyz")));
    assertEquals(List.of(), check(false).findings());
  }

  @Test
  void run_withEditedReferences_reportsBadCountAndRepairRewritesIt() throws IOException {
    Path refs = root.resolve("image/vfs/layerdb/sha256/" + chain.substring(7) + "/references");
    Files.writeString(refs, "3");
    CheckReport report = check(true);
    assertEquals(FindingKind.BAD_REFERENCE_COUNT, report.findings().get(0).kind());
    assertTrue(report.consistent());
    assertEquals("1", Files.readString(refs).trim());
    assertEquals(List.of(), check(false).findings());
  }

  @Test
  void run_withBindMountUnderRoot_reportsLeakedMountAndRepairUnmounts() throws IOException {
    Path point = Files.createDirectories(root.resolve("leak"));
    Path source = Files.createDirectories(tmp.resolve("src"));
    new dev.strata.posix.MountCalls().mount(source.toString(), point, null,
        dev.strata.posix.MountCalls.MS_BIND, null);
    try {
      CheckReport report = check(true);
      assertEquals(FindingKind.LEAKED_MOUNT, report.findings().get(0).kind());
      assertEquals(point.toString(), report.findings().get(0).subject());
      assertTrue(report.consistent());
      assertEquals(List.of(), MountTable.self().mountPointsUnder(root));
    } finally {
      if (!MountTable.self().mountPointsUnder(root).isEmpty()) {
        Mounter.system().unmount(point);
      }
    }
  }

  private CheckReport check(boolean repair) throws IOException {
    return new StoreCheck(config(), Mounter.system())
        .run(new CheckOptions(repair, true, CheckOptions.Progress.NONE));
  }

  private LayerStoreConfig config() {
    return LayerStoreConfig.of(root, "vfs");
  }

  private Path find(String name) throws IOException {
    try (Stream<Path> s = Files.walk(root.resolve("vfs/dir"))) {
      return s.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
    }
  }
}
