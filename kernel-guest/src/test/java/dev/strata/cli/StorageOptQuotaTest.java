package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SharedLoopFilesystem;
import dev.strata.testing.ZeroFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command end to end on overlay2 over xfs with project quotas: {@code create --storage-opt
 * size=50M} and {@code volume create -o size=20M} stop writes at their limits. The commands run in
 * this JVM (in the guest, a process per command would cost a JVM start each under emulation).
 */
class StorageOptQuotaTest {

  private static final int MIB = 1 << 20;
  private static final String TAG = "test/app:1.0";

  @RegisterExtension
  final SharedLoopFilesystem xfs = SharedLoopFilesystem.of(() -> LoopFilesystem.xfs(true));

  @TempDir Path tmp;

  @Test
  void create_size50M_writeInTheMountedRootfsStopsAt50MiBWithNoSpaceLeft() throws IOException {
    Path root = root();
    Path archive = new ArchiveBuilder(Form.LEGACY).image(SampleImage.twoLayers(TAG)).writeTar(tmp.resolve("app.tar"));
    ok(root, "load", "-i", archive.toString());
    ok(root, "create", "--name", "sized", "--storage-opt", "size=50M", TAG);
    Path rootfs = Path.of(ok(root, "mount", "sized").strip());
    try {
      assertLimit(rootfs, 50L * MIB);
    } finally {
      ok(root, "umount", "sized");
    }
    ok(root, "rm", "sized");
  }

  @Test
  void volumeCreate_size20M_writeStopsAt20MiBWithNoSpaceLeft() throws IOException {
    Path root = root();
    ok(root, "volume", "create", "-o", "size=20M", "data");
    Path mountpoint = Path.of(new ObjectMapper().readTree(ok(root, "volume", "inspect", "data"))
        .findValue("Mountpoint").asText());

    assertLimit(mountpoint, 20L * MIB);

    ok(root, "volume", "rm", "data");
  }

  private Path root() throws IOException {
    assertTrue(xfs.get().projectQuotas(), "this kernel's xfs refuses prjquota; GuestTests runs this in a guest");
    return xfs.get().mirror(tmp.resolve("root"));
  }

  /** 100 MiB stops just under {@code limit} with ENOSPC; after a delete, 10 MiB fit. */
  private static void assertLimit(Path dir, long limit) throws IOException {
    Path big = dir.resolve("big");
    IOException full = assertThrows(IOException.class, () -> ZeroFiles.write(big, 100L * MIB));
    long written = Files.size(big);

    // xfs answers an exceeded project quota with ENOSPC, not EDQUOT.
    assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.toString());
    assertTrue(written > limit - 5L * MIB && written <= limit, written + " bytes written under a limit of " + limit);
    Files.delete(big);
    ZeroFiles.write(dir.resolve("small"), 10L * MIB);
    assertEquals(10L * MIB, Files.size(dir.resolve("small")), "a write under the limit");
  }


  /** {@code strata --root ROOT --driver overlay2 ARGS}; its standard output, or an error with both outputs. */
  private static String ok(Path root, String... args) {
    List<String> all = new ArrayList<>(List.of("--root", root.toString(), "--driver", "overlay2"));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out), new PrintWriter(err), false, all.toArray(String[]::new));
    if (exit != 0) {
      throw new AssertionError("strata " + String.join(" ", args) + " exited " + exit + ": " + out + err);
    }
    return out.toString();
  }
}
