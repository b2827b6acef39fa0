package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SharedLoopFilesystem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code size=} on a volumes directory on xfs with project quotas: the limit is enforced, and
 * lifted when the volume goes.
 *
 * <p>Tagged {@code needs-xfs-quota} and left out of the default build: the kernel CI runs on has no
 * CONFIG_XFS_QUOTA (mounting with prjquota fails with EINVAL). Run with {@code
 * mvn -pl volume-manager -am test -Dstrata.excludedGroups=none}.
 */
@Tag("needs-xfs-quota")
class VolumeQuotaTest {

  private static final int MIB = 1 << 20;

  @RegisterExtension
  final SharedLoopFilesystem xfs = SharedLoopFilesystem.of(() -> LoopFilesystem.xfs(true));

  @Test
  void create_withSize_writesBeyondItFailWithEdquot() throws IOException {
    Path root = Files.createDirectories(xfs.get().root().resolve("quota-root"));
    try (VolumeStore store = VolumeStore.open(root)) {
      Volume v = store.create(new VolumeSpec(Optional.of("sized"), "local", Map.of("size", "4m"), Map.of()));
      IOException full = assertThrows(IOException.class, () -> {
        try (OutputStream out = Files.newOutputStream(v.mountpoint().resolve("big"))) {
          byte[] chunk = new byte[MIB];
          for (int i = 0; i < 16; i++) {
            out.write(chunk);
          }
        }
      });
      assertTrue(String.valueOf(full.getMessage()).contains("quota"), full.toString());
      Files.delete(v.mountpoint().resolve("big"));
      store.remove("sized", false);
      assertEquals(Optional.empty(), store.find("sized"));
    }
  }
}
