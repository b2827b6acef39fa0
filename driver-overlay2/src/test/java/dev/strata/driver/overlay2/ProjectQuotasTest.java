package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SharedLoopFilesystem;
import dev.strata.files.ProjectQuotas;
import dev.strata.posix.Ioctls;
import dev.strata.posix.Quotas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Project ids through the real {@code FS_IOC_FS[GS]ETXATTR} on xfs, which keeps them with or
 * without quota enforcement; so this runs on kernels without xfs quota support too. Needs root.
 */
class ProjectQuotasTest {

  @RegisterExtension
  final SharedLoopFilesystem xfs = SharedLoopFilesystem.of(() -> LoopFilesystem.xfs(false));

  @TempDir Path name;

  @Test
  public void assign_emptyDirectory_everythingCreatedBelowInheritsTheProject() throws IOException {
    Path dir = Files.createDirectory(xfs.get().mirror(name).resolve("layer"));
    ProjectQuotas quotas = new ProjectQuotas("/dev/null", ProjectQuotas.DEFAULT_BASE_ID, new Ioctls(), new Quotas());

    quotas.assign(dir, 100_042);
    Path diff = Files.createDirectories(dir.resolve("diff/etc"));

    assertEquals(100_042, quotas.projectId(dir));
    assertEquals(100_042, quotas.projectId(diff));
    assertEquals(0, quotas.projectId(xfs.get().mirror(name)));
  }
}
