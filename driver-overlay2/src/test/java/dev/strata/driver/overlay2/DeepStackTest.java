package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A stack as deep as the driver allows on this kernel: with {@code lowerdir+} (Linux 6.8+) the
 * kernel's own limit of 500 lowers, through fsconfig; without it (kernel-guest runs this on 6.1)
 * what one page of mount(2) options holds with short links, well beyond the ~41 absolute lowers
 * that would fit. Needs root.
 */
class DeepStackTest {

  private static final int KERNEL_MAX_LOWERS = 500;

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
  public void mount_deepestStack_readsEveryLayersFileAndTopWins() throws IOException {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "overlay mounts need root");
    try (GraphDriver d = new Overlay2DriverProvider().open(DriverConfig.of(home))) {
      int depth = d.maxDepth();
      String method = d.status().get("mount");
      System.out.println("deepest stack on " + System.getProperty("os.version") + ": " + depth + " layers, " + method);
      if (method.startsWith("fsopen")) {
        assertEquals(KERNEL_MAX_LOWERS, depth, "with lowerdir+ only the kernel limits the depth");
      } else {
        assertTrue(depth > 41 && depth < KERNEL_MAX_LOWERS, "one page of options: " + depth + " layers, " + method);
      }
      String parent = null;
      for (int i = 1; i <= depth; i++) {
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
          () -> d.createWritable(LayerId.of("too-deep"), Optional.of(LayerId.of("L" + depth)), Map.of()));

      Path view = d.mount(LayerId.of("L" + depth));
      try {
        for (int i = 1; i <= depth; i++) {
          assertEquals("layer " + i, Files.readString(view.resolve("layers/" + i)));
        }
        assertEquals("written by " + depth, Files.readString(view.resolve("top")));
        try (var names = Files.list(view.resolve("layers"))) {
          assertEquals(depth, names.count());
        }
      } finally {
        d.unmount(LayerId.of("L" + depth));
      }
      d.createWritable(LayerId.of("rw"), Optional.of(LayerId.of("L" + (depth - 1))), Map.of());
      Path rw = d.mount(LayerId.of("rw"));
      try {
        Files.writeString(rw.resolve("layers/1"), "rewritten at the top of " + depth);
        assertEquals("rewritten at the top of " + depth, Files.readString(rw.resolve("layers/1")));
        assertEquals("layer 1", Files.readString(home.resolve("L1/diff/layers/1")));
      } finally {
        d.unmount(LayerId.of("rw"));
      }
    }
  }
}
