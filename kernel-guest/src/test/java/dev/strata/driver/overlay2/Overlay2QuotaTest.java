package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SharedLoopFilesystem;
import dev.strata.testing.ZeroFiles;
import dev.strata.driver.Capability;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.Usage;
import dev.strata.files.MountTable;
import dev.strata.files.ProjectQuotas;
import dev.strata.posix.Ioctls;
import dev.strata.posix.MountCalls;
import dev.strata.posix.Quotas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code size=} and {@code inodes=} on a home on xfs mounted with {@code prjquota}, enforced by the
 * kernel. Needs root (loop device, mounts, quotactl) and a kernel with xfs quota support ({@code
 * CONFIG_XFS_QUOTA}): {@code GuestTests} runs it natively where the kernel has it and in a stock
 * kernel guest elsewhere. Overlay2QuotaOptionsTest covers the refusals everywhere else.
 */
class Overlay2QuotaTest {

  private static final int MIB = 1 << 20;
  private static final LayerId RW = LayerId.of("rw");

  @RegisterExtension
  final SharedLoopFilesystem xfs = SharedLoopFilesystem.of(() -> LoopFilesystem.xfs(true));

  @TempDir Path scratch;
  private Path home;
  private GraphDriver driver;

  @BeforeEach
  void openOnXfs() throws IOException {
    assertTrue(xfs.get().projectQuotas(), "this kernel's xfs refuses prjquota (no CONFIG_XFS_QUOTA);"
        + " GuestTests runs this class in a guest whose kernel has it");
    home = xfs.get().mirror(scratch);
    driver = new Overlay2DriverProvider().open(DriverConfig.of(home));
  }

  @AfterEach
  void closeAndUnmount() throws IOException {
    if (driver == null) {
      return;
    }
    for (LayerId id : driver.layers()) {
      while (driver.mountCount(id) > 0) {
        driver.unmount(id);
      }
      driver.remove(id);
    }
    driver.close();
    List<Path> leaked = MountTable.self().mountPointsUnder(home);
    for (Path p : leaked) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), leaked, "mounts left under the home");
  }

  @Test
  public void open_xfsWithPrjquota_declaresQuotaInCapabilitiesAndStatus() {
    assertTrue(driver.capabilities().contains(Capability.QUOTA));
    assertTrue(driver.status().get("quota").startsWith("true (xfs project quota on /dev/loop"),
        driver.status().toString());
  }

  @Test
  public void createWritable_size50M_writeStopsAt50MiBWithNoSpaceLeft() throws IOException {
    driver.createWritable(RW, Optional.empty(), Map.of("size", "50M"));
    Path root = driver.mount(RW);

    assertEquals(20L * MIB, ZeroFiles.write(root.resolve("small"), 20L * MIB), "a write under the limit");
    Files.delete(root.resolve("small"));
    IOException stop = assertThrows(IOException.class, () -> ZeroFiles.write(root.resolve("big"), 80L * MIB));
    long written = Files.size(root.resolve("big"));
    System.out.println("size=50M: " + written + " bytes written before " + stop.getMessage());

    // xfs answers an exceeded project quota with ENOSPC, not EDQUOT: to the writer, the layer is full.
    assertTrue(stop.getMessage().contains("No space left on device"), "ENOSPC expected: " + stop.getMessage());
    assertTrue(written > 45L * MIB && written <= 50L * MIB, written + " bytes written");
    Files.delete(root.resolve("big"));
    assertEquals(20L * MIB, ZeroFiles.write(root.resolve("again"), 20L * MIB), "usable again after the delete");
  }

  @Test
  public void createWritable_inodes100_fileCreationStopsBelow100() throws IOException {
    driver.createWritable(RW, Optional.empty(), Map.of("inodes", "100"));
    Path root = driver.mount(RW);

    int created = 0;
    IOException stop = null;
    while (created < 200 && stop == null) {
      try {
        Files.createFile(root.resolve("f" + created));
        created++;
      } catch (IOException e) {
        stop = e;
      }
    }

    assertTrue(stop != null, "200 files created under inodes=100");
    assertTrue(created > 80 && created < 100, created + " files created");
  }

  @Test
  public void usage_layerWithSize_isWhatItsProjectCounts() throws IOException {
    driver.createWritable(RW, Optional.empty(), Map.of("size", "50M"));
    Path root = driver.mount(RW);
    ZeroFiles.write(root.resolve("data"), 20L * MIB);
    for (int i = 0; i < 10; i++) {
      Files.createFile(root.resolve("empty-" + i));
    }
    int project = LayerFiles.readProjectId(home.resolve("rw")).getAsInt();
    String device = MountTable.self().holding(home.toRealPath()).orElseThrow().source();
    long[] counted = new ProjectQuotas(device, 0, new Ioctls(), new Quotas()).usage(project);

    Usage usage = driver.usage(RW);

    assertEquals(new Usage(counted[0], counted[1]), usage);
    assertTrue(usage.bytes() >= 20L * MIB && usage.bytes() < 21L * MIB, usage + " for 20 MiB of data");
    assertTrue(usage.inodes() >= 11, usage + " for 11 files");
  }

  @Test
  public void createWritable_noSize_writesPastAnyLimit() throws IOException {
    driver.createWritable(RW, Optional.empty(), Map.of());
    Path root = driver.mount(RW);

    assertEquals(60L * MIB, ZeroFiles.write(root.resolve("big"), 60L * MIB));
    assertTrue(LayerFiles.readProjectId(home.resolve("rw")).isEmpty());
  }

  @Test
  public void remove_layerWithSize_liftsItsProjectLimit() throws IOException {
    driver.createWritable(RW, Optional.empty(), Map.of("size", "50M", "inodes", "1000"));
    int project = LayerFiles.readProjectId(home.resolve("rw")).getAsInt();
    assertTrue(project > ProjectQuotas.DEFAULT_BASE_ID, "project " + project);
    assertEquals(50L * MIB / 512, limits(project)[0]);
    assertEquals(1000, limits(project)[1]);

    driver.remove(RW);

    assertEquals(0, limits(project)[0]);
    assertEquals(0, limits(project)[1]);
  }

  @Test
  public void createWritable_twoLayersWithSize_getDistinctProjectsKeptAcrossRestart() throws IOException {
    driver.createWritable(RW, Optional.empty(), Map.of("size", "10M"));
    driver.close();
    driver = new Overlay2DriverProvider().open(DriverConfig.of(home));
    driver.createWritable(LayerId.of("rw2"), Optional.empty(), Map.of("size", "10M"));

    int first = LayerFiles.readProjectId(home.resolve("rw")).getAsInt();
    int second = LayerFiles.readProjectId(home.resolve("rw2")).getAsInt();
    assertEquals(first + 1, second);
  }

  @Test
  public void createWritable_twoDriversOnOneHome_neverShareAProjectId() throws IOException {
    // Two drivers open on one home at once, as two strata processes are: each saw the same highest
    // id when it opened, and only the shared counter keeps their next ids apart.
    try (GraphDriver other = new Overlay2DriverProvider().open(DriverConfig.of(home))) {
      driver.createWritable(RW, Optional.empty(), Map.of("size", "10M"));
      other.createWritable(LayerId.of("rw2"), Optional.empty(), Map.of("size", "10M"));
      driver.createWritable(LayerId.of("rw3"), Optional.empty(), Map.of("size", "10M"));

      int first = LayerFiles.readProjectId(home.resolve("rw")).getAsInt();
      int second = LayerFiles.readProjectId(home.resolve("rw2")).getAsInt();
      int third = LayerFiles.readProjectId(home.resolve("rw3")).getAsInt();
      assertEquals(List.of(first, first + 1, first + 2), List.of(first, second, third));
      other.remove(LayerId.of("rw2"));
    }
  }


  /** The block (basic blocks) and inode hard limits of a project, read back with Q_XGETQUOTA. */
  private long[] limits(int project) throws IOException {
    String device = MountTable.self().holding(home.toRealPath()).orElseThrow().source();
    return new ProjectQuotas(device, 0, new Ioctls(), new Quotas()).hardLimits(project);
  }
}
