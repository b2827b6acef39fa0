package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.testing.LayerTarBuilder;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.files.MountTable;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack as deep as overlay allows: far beyond the ~41 absolute lowers that fit mount(2)'s one page
 * of options, which is why overlay2 mounts through fsconfig. Needs root and the new mount API.
 */
class DeepStackTest {

  private static final int DEPTH = 500;

  @TempDir Path home;

  @AfterEach
  void nothingLeftMounted() throws IOException {
    List<Path> leaked = MountTable.self().mountPointsUnder(home);
    for (Path p : leaked) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), leaked, "mounts left under the home");
  }

  @Test
  public void mount_500LayerStack_readsEveryLayersFileAndTopWins() throws IOException {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "overlay mounts need root");
    try (GraphDriver d = new Overlay2DriverProvider().open(DriverConfig.of(home))) {
      Assumptions.assumeTrue(d.maxDepth() >= DEPTH, "no new mount API: max depth " + d.maxDepth());
      String parent = null;
      for (int i = 1; i <= DEPTH; i++) {
        byte[] tar = new LayerTarBuilder()
            .dir("layers", 0755)
            .file("layers/" + i, "layer " + i, 0644)
            .file("top", "written by " + i, 0644)
            .build();
        d.createReadOnly(LayerId.of("L" + i), Optional.ofNullable(parent).map(LayerId::of),
            new ByteArrayInputStream(tar));
        parent = "L" + i;
      }
      assertThrows(FailedPreconditionException.class,
          () -> d.createWritable(LayerId.of("too-deep"), Optional.of(LayerId.of("L" + DEPTH)), Map.of()));

      Path view = d.mount(LayerId.of("L" + DEPTH));
      try {
        for (int i = 1; i <= DEPTH; i++) {
          assertEquals("layer " + i, Files.readString(view.resolve("layers/" + i)));
        }
        assertEquals("written by " + DEPTH, Files.readString(view.resolve("top")));
        try (var names = Files.list(view.resolve("layers"))) {
          assertEquals(DEPTH, names.count());
        }
      } finally {
        d.unmount(LayerId.of("L" + DEPTH));
      }
      d.createWritable(LayerId.of("rw"), Optional.of(LayerId.of("L" + (DEPTH - 1))), Map.of());
      Path rw = d.mount(LayerId.of("rw"));
      try {
        Files.writeString(rw.resolve("layers/1"), "rewritten at the top of " + DEPTH);
        assertEquals("rewritten at the top of " + DEPTH, Files.readString(rw.resolve("layers/1")));
        assertEquals("layer 1", Files.readString(home.resolve("L1/diff/layers/1")));
      } finally {
        d.unmount(LayerId.of("rw"));
      }
    }
  }
}
