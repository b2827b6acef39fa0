package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SharedLoopFilesystem;
import dev.strata.testing.ZeroFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata create --storage-opt size=...}, Docker's form: a btrfs write layer stops growing at
 * its limit; a driver or home that cannot enforce it refuses with the reason, creating nothing.
 * The same on overlay2 over xfs with project quotas runs in kernel-guest's StorageOptQuotaTest.
 */
class StorageOptTest {

  private static final int MIB = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  final SharedLoopFilesystem btrfs = SharedLoopFilesystem.of(LoopFilesystem::btrfs);

  @TempDir Path tmp;

  @Test
  void create_size50MOnBtrfs_writeStopsAt50MiBAndTheLayerStaysUsable() throws IOException {
    Path root = btrfs.get().mirror(tmp.resolve("root"));
    ok(root, "btrfs", "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    ok(root, "btrfs", "create", "--name", "sized", "--storage-opt", "size=50M", AppImage.TAG);
    Path rootfs = Path.of(ok(root, "btrfs", "mount", "sized").lastLine());
    try {
      IOException full = assertThrows(IOException.class, () -> ZeroFiles.write(rootfs.resolve("big"), 100L * MIB));
      long written = Files.size(rootfs.resolve("big"));

      // btrfs qgroups answer EDQUOT (xfs project quotas ENOSPC).
      assertTrue(String.valueOf(full.getMessage()).contains("Disk quota exceeded"), full.toString());
      assertTrue(written > 40L * MIB && written <= 50L * MIB, written + " bytes written under size=50M");
      Files.delete(rootfs.resolve("big"));
      ZeroFiles.write(rootfs.resolve("small"), 10L * MIB);
      assertEquals(10L * MIB, Files.size(rootfs.resolve("small")));
    } finally {
      ok(root, "btrfs", "umount", "sized");
    }
    ok(root, "btrfs", "rm", "sized");
  }

  @Test
  void create_sizeOnVfs_refusedWithTheReasonAndNothingCreated() throws IOException {
    Path root = tmp.resolve("root");
    ok(root, "vfs", "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());

    Cli.Result r = run(root, "vfs", "create", "--name", "sized", "--storage-opt", "size=50M", AppImage.TAG);

    assertEquals(ExitCodes.UNSUPPORTED, r.exit(), r.toString());
    assertTrue(r.err().contains("vfs does not support quota option size"), "names the driver and option: " + r);
    assertNothingCreated(root, "vfs");
  }

  @Test
  void create_sizeOnOverlay2WithoutProjectQuotas_refusedWithTheReasonAndNothingCreated() throws IOException {
    // tmp is not xfs with prjquota (and this kernel has no xfs quota at all).
    Path root = tmp.resolve("root");
    ok(root, "overlay2", "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());

    Cli.Result r = run(root, "overlay2", "create", "--name", "sized", "--storage-opt", "size=50M",
        AppImage.TAG);

    assertEquals(ExitCodes.UNSUPPORTED, r.exit(), r.toString());
    assertTrue(r.err().contains("overlay2 quota option size=50M") && r.err().contains("cannot be honoured"),
        "names the option and why it cannot be had: " + r);
    assertNothingCreated(root, "overlay2");
  }

  @Test
  void create_storageOptWithoutValue_refusedBeforeOpeningTheStore() {
    Path root = tmp.resolve("root");

    Cli.Result r = run(root, "vfs", "create", "--storage-opt", "size", AppImage.TAG);

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
    assertTrue(r.err().contains("invalid argument \"size\" for --storage-opt: expected key=value"), r.toString());
    assertTrue(Files.notExists(root), "nothing written for a bad flag");
  }

  private static void assertNothingCreated(Path root, String driver) throws IOException {
    assertEquals(List.of(), JSON.readTree(ok(root, driver, "--format", "json", "ps").out()).findValuesAsText("name"),
        "no container");
    ok(root, driver, "check");
  }

  private static Cli.Result run(Path root, String driver, String... args) {
    List<String> all = new ArrayList<>(List.of("--root", root.toString(), "--driver", driver));
    all.addAll(List.of(args));
    return Cli.runRaw(all.toArray(String[]::new));
  }

  private static Cli.Result ok(Path root, String driver, String... args) {
    Cli.Result r = run(root, driver, args);
    if (r.exit() != 0) {
      throw new AssertionError("strata " + String.join(" ", args) + " failed: " + r);
    }
    return r;
  }

}
