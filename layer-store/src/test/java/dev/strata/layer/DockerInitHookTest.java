package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker's init-layer placeholders, never written through an image's symlinks. */
class DockerInitHookTest {

  @TempDir Path tmp;

  @Test
  void populate_onEmptyImage_makesDockersPlaceholders() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("root"));

    new DockerInitHook().populate(root);

    for (String dir : List.of("proc", "sys", "dev/pts", "dev/shm", "etc")) {
      assertTrue(Files.isDirectory(root.resolve(dir), LinkOption.NOFOLLOW_LINKS), dir);
    }
    for (String file : List.of("etc/hosts", "etc/hostname", "etc/resolv.conf", ".dockerenv", "dev/console")) {
      assertTrue(Files.isRegularFile(root.resolve(file), LinkOption.NOFOLLOW_LINKS), file);
    }
    assertEquals(Path.of("/proc/mounts"), Files.readSymbolicLink(root.resolve("etc/mtab")));
  }

  @Test
  void populate_whereTheImageLinksDirectoriesOutOfTheLayer_createsNothingThere() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.createSymbolicLink(root.resolve("etc"), outside);
    Files.createSymbolicLink(root.resolve("dev"), outside);
    Files.createSymbolicLink(root.resolve("proc"), outside.resolve("proc"));

    new DockerInitHook().populate(root);

    try (var left = Files.list(outside)) {
      assertEquals(List.of(), left.toList(), "nothing written through the image's links");
    }
    assertTrue(Files.isDirectory(root.resolve("sys"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isRegularFile(root.resolve(".dockerenv"), LinkOption.NOFOLLOW_LINKS));
  }
}
