package dev.strata.snapshotter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.driver.Mount;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotMountsTest {

  private static final Path T = Path.of("/");

  @Test
  void forKind_active_keepsDriverMounts() {
    List<Mount> m = List.of(new Mount("overlay", "overlay", T, List.of("lowerdir=/a:/b", "upperdir=/u", "workdir=/w")));
    assertEquals(m, SnapshotMounts.forKind(Kind.ACTIVE, m));
  }

  @Test
  void forKind_viewOfOverlay_dropsUpperAndAddsRo() {
    List<Mount> m = List.of(new Mount("overlay", "overlay", T,
        List.of("lowerdir=/a:/b", "upperdir=/u", "workdir=/w", "index=off")));
    assertEquals(List.of(new Mount("overlay", "overlay", T, List.of("lowerdir=/a:/b", "index=off", "ro"))),
        SnapshotMounts.forKind(Kind.VIEW, m));
  }

  @Test
  void forKind_viewOfOverlayWithOneLower_becomesReadOnlyBind() {
    List<Mount> m = List.of(new Mount("overlay", "overlay", T, List.of("lowerdir=/a", "upperdir=/u", "workdir=/w")));
    assertEquals(List.of(Mount.bind(Path.of("/a"), T, true)), SnapshotMounts.forKind(Kind.VIEW, m));
  }

  @Test
  void forKind_viewOfBind_addsRo() {
    assertEquals(List.of(new Mount("bind", "/l", T, List.of("bind", "ro"))),
        SnapshotMounts.forKind(Kind.VIEW, List.of(new Mount("bind", "/l", T, List.of("bind", "rw")))));
  }
}
