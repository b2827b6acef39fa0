package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SharedLoopFilesystem;
import dev.strata.testing.ZeroFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code size=} on a volumes directory on xfs with project quotas: the limit is enforced, and
 * lifted when the volume goes. Needs a kernel with xfs quota ({@code CONFIG_XFS_QUOTA}):
 * {@code GuestTests} runs it natively where the kernel has it and in a stock kernel guest elsewhere.
 */
class VolumeQuotaTest {

  private static final int MIB = 1 << 20;

  @RegisterExtension
  final SharedLoopFilesystem xfs = SharedLoopFilesystem.of(() -> LoopFilesystem.xfs(true));

  @Test
  void create_size20m_writeStopsAt20MiBWithNoSpaceLeft() throws IOException {
    assertTrue(xfs.get().projectQuotas(), "this kernel's xfs refuses prjquota; GuestTests runs this in a guest");
    Path root = Files.createDirectories(xfs.get().root().resolve("quota-root"));
    try (VolumeStore store = VolumeStore.open(root)) {
      Volume v = store.create(new VolumeSpec(Optional.of("sized"), "local", Map.of("size", "20m"), Map.of()));
      Path big = v.mountpoint().resolve("big");

      IOException full = assertThrows(IOException.class, () -> ZeroFiles.write(big, 100L * MIB));
      long written = Files.size(big);

      // xfs answers an exceeded project quota with ENOSPC, not EDQUOT.
      assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.toString());
      assertTrue(written > 18L * MIB && written <= 20L * MIB, written + " bytes written");
      Files.delete(big);
      ZeroFiles.write(v.mountpoint().resolve("small"), 10L * MIB);
      assertEquals(10L * MIB, Files.size(v.mountpoint().resolve("small")));

      store.remove("sized", true);
      assertEquals(Optional.empty(), store.find("sized"));
      Volume again = store.create(new VolumeSpec(Optional.of("unlimited"), "local", Map.of(), Map.of()));
      ZeroFiles.write(again.mountpoint().resolve("big"), 40L * MIB);
      assertEquals(40L * MIB, Files.size(again.mountpoint().resolve("big")), "a volume without size= has no limit");
      store.remove("unlimited", true);
    }
  }

}
