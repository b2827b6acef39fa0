package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.conformance.LoopFilesystem;
import dev.strata.files.ProjectQuotas;
import dev.strata.posix.Ioctls;
import dev.strata.posix.Quotas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Project ids through the real {@code FS_IOC_FS[GS]ETXATTR} on xfs, which keeps them with or
 * without quota enforcement; so this runs on kernels without xfs quota support too. Needs root.
 */
class ProjectQuotasTest {

  private static LoopFilesystem xfs;

  @TempDir Path name;

  @BeforeAll
  static void mountXfs() throws IOException {
    xfs = LoopFilesystem.xfs(false);
  }

  @AfterAll
  static void unmountXfs() throws IOException {
    if (xfs != null) {
      xfs.close();
    }
  }

  @Test
  public void assign_emptyDirectory_everythingCreatedBelowInheritsTheProject() throws IOException {
    Path dir = Files.createDirectory(xfs.mirror(name).resolve("layer"));
    ProjectQuotas quotas = new ProjectQuotas("/dev/null", ProjectQuotas.DEFAULT_BASE_ID, new Ioctls(), new Quotas());

    quotas.assign(dir, 100_042);
    Path diff = Files.createDirectories(dir.resolve("diff/etc"));

    assertEquals(100_042, quotas.projectId(dir));
    assertEquals(100_042, quotas.projectId(diff));
    assertEquals(0, quotas.projectId(xfs.mirror(name)));
  }
}
