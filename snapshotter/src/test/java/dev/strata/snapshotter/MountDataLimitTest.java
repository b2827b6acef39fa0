package dev.strata.snapshotter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.driver.Mount;
import dev.strata.driver.error.FailedPreconditionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountDataLimitTest {

  private static Mount overlay(int lowers) {
    List<String> dirs = new ArrayList<>();
    for (int i = 0; i < lowers; i++) {
      dirs.add("/var/lib/strata/snapshotter/overlay2/l/" + String.format("%026d", i));
    }
    return new Mount("overlay", "overlay", Path.of("/"), List.of("lowerdir=" + String.join(":", dirs),
        "upperdir=/u", "workdir=/w", "ro"));
  }

  @Test
  void dataBytes_overlay_countsLowersRelativeToTheirCommonParentAndNoFlags() {
    assertEquals("lowerdir=".length() + 2 * 26 + 1 + ",upperdir=/u,workdir=/w".length(),
        MountDataLimit.dataBytes(overlay(2)));
  }

  @Test
  void check_deepOverlay_failedPreconditionPastOnePage() throws FailedPreconditionException {
    MountDataLimit.check("k", List.of(overlay(140)));
    assertThrows(FailedPreconditionException.class, () -> MountDataLimit.check("k", List.of(overlay(160))));
  }

  @Test
  void dataBytes_lowersWithoutCommonDirectory_keptWhole() {
    Mount m = new Mount("overlay", "overlay", Path.of("/"), List.of("lowerdir=/a:/b"));
    assertEquals("lowerdir=/a:/b".length(), MountDataLimit.dataBytes(m));
  }
}
