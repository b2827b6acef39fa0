package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.testing.LayerTarBuilder;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.Mount;
import dev.strata.driver.Mounter;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.files.MountTable;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mounter given by the runtime receives the mounts as data and performs them with mount(2): the
 * driver then holds stacks to what one page of options can name. Needs root.
 */
class LegacyMountTest {

  @TempDir Path home;

  /** Performs through mount(2) and records; being another class, the driver treats it as custom. */
  private static final class RecordingMounter implements Mounter {
    private final Mounter system = Mounter.system();
    final List<Mount> mounted = new ArrayList<>();

    @Override
    public void mount(Mount mount) throws IOException {
      mounted.add(mount);
      system.mount(mount);
    }

    @Override
    public void unmount(Path target) throws IOException {
      system.unmount(target);
    }
  }

  @AfterEach
  void nothingLeftMounted() throws IOException {
    List<Path> leaked = MountTable.self().mountPointsUnder(home);
    for (Path p : leaked) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), leaked, "mounts left under the home");
  }

  @Test
  public void mount_customMounterAtLegacyMaxDepth_optionsFitOnePageAndViewReadsEveryLayer()
      throws IOException {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "overlay mounts need root");
    RecordingMounter mounter = new RecordingMounter();
    try (GraphDriver d = new Overlay2DriverProvider().open(DriverConfig.of(home).withMounter(mounter))) {
      int max = d.maxDepth();
      assertTrue(max > 41 && max < Overlay2DriverProvider.KERNEL_MAX_LOWERS, "max depth " + max);
      String parent = null;
      for (int i = 1; i < max; i++) {
        d.createReadOnly(LayerId.of("L" + i), Optional.ofNullable(parent).map(LayerId::of),
            new ByteArrayInputStream(new LayerTarBuilder().file("f" + i, "layer " + i, 0644).build()));
        parent = "L" + i;
      }
      String top = "w".repeat(128);
      d.createWritable(LayerId.of(top), Optional.of(LayerId.of(parent)), Map.of());
      assertThrows(FailedPreconditionException.class,
          () -> d.createWritable(LayerId.of("too-deep"), Optional.of(LayerId.of(top)), Map.of()));

      Path view = d.mount(LayerId.of(top));
      try {
        for (int i = 1; i < max; i++) {
          assertEquals("layer " + i, Files.readString(view.resolve("f" + i)));
        }
      } finally {
        d.unmount(LayerId.of(top));
      }
      Mount m = mounter.mounted.get(0);
      assertEquals("overlay", m.type());
      int data = String.join(",", m.options()).length();
      assertTrue(data <= 4095, "mount data of " + data + " bytes");
    }
  }
}
