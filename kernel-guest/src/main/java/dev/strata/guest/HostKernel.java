package dev.strata.guest;

import dev.strata.testing.LoopFilesystem;
import java.io.IOException;

/** What this host's kernel can do, probed rather than read from its configuration. */
final class HostKernel {

  private HostKernel() {}

  /** Whether a loop xfs mounts with {@code prjquota} here (it fails with EINVAL without CONFIG_XFS_QUOTA). */
  static boolean hasXfsProjectQuotas() throws IOException {
    try (LoopFilesystem xfs = LoopFilesystem.xfs(true)) {
      return xfs.projectQuotas();
    }
  }
}
