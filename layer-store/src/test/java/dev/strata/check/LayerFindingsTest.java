package dev.strata.check;

import static dev.strata.check.CheckStores.check;
import static dev.strata.check.CheckStores.kinds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.driver.LayerId;
import dev.strata.files.FileTrees;
import dev.strata.layer.Layer;
import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layer records against the driver's layers: orphans, missing data, broken parents, damaged records. */
class LayerFindingsTest {

  @TempDir Path tmp;
  private Path root;
  private Layer base;
  private Layer top;

  @BeforeEach
  void load() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "layers with owners need root");
    root = tmp.resolve("root");
    try (CheckStores s = CheckStores.open(root)) {
      base = s.layer(Optional.empty(), "base.txt", "base");
      top = s.layer(Optional.of(base.chainId()), "top.txt", "top");
      s.image(List.of(base, top), "2024-01-01T00:00:00Z", "test/app:1");
      s.layers.release(top.chainId());
      s.layers.release(base.chainId());
    }
  }

  @Test
  void run_withDriverLayerNoRecordNames_reportsOrphanAndRepairDeletesIt() throws IOException {
    try (GraphDriver driver = new GraphDrivers().open("vfs", DriverConfig.of(root.resolve("vfs")))) {
      driver.createWritable(LayerId.of("orphan1"), Optional.empty(), Map.of());
    }
    Path dir = root.resolve("vfs/dir/orphan1");
    assertTrue(Files.isDirectory(dir));

    CheckReport report = check(root, false);
    assertEquals(List.of("ORPHAN_DRIVER_LAYER orphan1"), kinds(report));
    assertFalse(report.dataLoss());
    assertTrue(Files.isDirectory(dir), "report only must not delete it");

    CheckReport repaired = check(root, true);
    assertTrue(repaired.consistent(), repaired.toString());
    assertFalse(Files.exists(dir));
    assertTrue(check(root, false).consistent());
  }

  @Test
  void run_withLayerDirectoryDeleted_reportsMissingDataAndRepairLeavesTheRecord() throws IOException {
    Path record;
    try (CheckStores s = CheckStores.open(root)) {
      record = s.record(top.chainId());
      FileTrees.delete(s.driverDir(top.chainId()));
    }

    CheckReport report = check(root, true);
    assertEquals(List.of("MISSING_LAYER_DATA " + top.chainId()), kinds(report));
    assertFalse(report.findings().get(0).isRepaired());
    assertTrue(report.dataLoss());
    assertEquals(1, report.verifiedLayers(), "the base is still verified");
    assertTrue(Files.isDirectory(record), "the record stays as evidence");
    assertEquals(List.of("MISSING_LAYER_DATA " + top.chainId()), kinds(check(root, false)));
  }

  @Test
  void run_withParentRecordGone_reportsBrokenParentAndRepairLeavesBothLayers() throws IOException {
    Path baseDir;
    try (CheckStores s = CheckStores.open(root)) {
      baseDir = s.driverDir(base.chainId());
      FileTrees.delete(s.record(base.chainId()));
    }

    CheckReport report = check(root, true);
    // The base's driver layer still carries the top layer's driver layer: it is no orphan.
    assertEquals(List.of("BROKEN_PARENT " + top.chainId()), kinds(report));
    assertTrue(report.dataLoss());
    assertFalse(report.findings().get(0).isRepaired());
    assertTrue(Files.isDirectory(baseDir), "the parent's data must survive --repair");
    assertEquals(List.of("BROKEN_PARENT " + top.chainId()), kinds(check(root, false)));
  }

  @Test
  void run_withUnreadableRecord_reportsDamagedRecordAndKeepsItsData() throws IOException {
    Path baseDir;
    Path record;
    try (CheckStores s = CheckStores.open(root)) {
      baseDir = s.driverDir(base.chainId());
      record = s.record(base.chainId());
      Files.writeString(record.resolve("size"), "not a number");
    }
    Files.createDirectories(root.resolve("tmp/leftover"));

    CheckReport report = check(root, true);
    // Not an orphan (its record names it, unreadable or not), and its child's parent is there.
    assertEquals(List.of("DAMAGED_LAYER_RECORD " + base.chainId(), "LEFTOVER_STAGING " + root.resolve("tmp/leftover")),
        kinds(report));
    assertTrue(report.dataLoss());
    assertTrue(Files.isDirectory(baseDir), "a damaged record's data must survive --repair");
    assertEquals("not a number", Files.readString(record.resolve("size")));
    assertFalse(Files.exists(root.resolve("tmp/leftover")));
    assertEquals(List.of("DAMAGED_LAYER_RECORD " + base.chainId()), kinds(check(root, false)));
  }
}
