package dev.strata.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HostileGroundTest {

  @RegisterExtension final HostileGround ground = HostileGround.onLoopFilesystem();

  @Test
  void dir_isEmptyAndDepthLevelsBelowAFilesystemOfItsOwn() throws IOException {
    Path dir = ground.dir();
    assertTrue(dir.getNameCount() > HostileGround.DEPTH, dir.toString());
    Path root = dir.getRoot().resolve(dir.subpath(0, dir.getNameCount() - HostileGround.DEPTH));

    try (var entries = Files.list(dir)) {
      assertEquals(0, entries.count());
    }
    assertNotEquals(Files.getFileStore(root.getParent()), Files.getFileStore(root), root + " is no mount point");
    assertEquals(Files.getFileStore(root), Files.getFileStore(dir));
  }

  @Test
  void outside_aFileWrittenTwoLevelsAboveATargetInDir_isSeen() throws IOException {
    Path target = Files.createDirectory(ground.dir().resolve("target"));
    Map<String, String> before = ground.outside(target);

    Files.writeString(target.resolve("../../escaped"), "x");

    assertNotEquals(before, ground.outside(target));
  }

  @Test
  void outside_changesBelowAnExcludedPath_areNotSeen() throws IOException {
    Path target = Files.createDirectory(ground.dir().resolve("target"));
    Path store = Files.createDirectory(ground.dir().resolve("store"));
    Map<String, String> before = ground.outside(target, store);

    Files.writeString(target.resolve("inside"), "x");
    Files.createDirectories(store.resolve("a/b"));

    assertEquals(before, ground.outside(target, store));
    assertTrue(Files.exists(target.resolve("inside")));
  }
}
