package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeletingWhiteoutsTest {

  @TempDir Path tmp;

  private final DeletingWhiteouts policy = new DeletingWhiteouts();

  @Test
  void whiteout_directoryTree_deletesItAll() throws IOException {
    Files.createDirectories(tmp.resolve("d/a/b"));
    Files.writeString(tmp.resolve("d/a/b/f"), "x");
    policy.whiteout(tmp.resolve("d"));
    assertEquals(Map.of(), LayerApplierTest.tree(tmp));
  }

  @Test
  void whiteout_absentTarget_isFine() throws IOException {
    policy.whiteout(tmp.resolve("never-was"));
    assertEquals(Map.of(), LayerApplierTest.tree(tmp));
  }

  @Test
  void whiteout_symlinkToDirectory_deletesTheLinkNotTheTarget() throws IOException {
    Path target = Files.createDirectories(tmp.resolve("target"));
    Files.writeString(target.resolve("keep"), "x");
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    Files.createSymbolicLink(layer.resolve("link"), target);
    Files.createSymbolicLink(layer.resolve("dangling"), tmp.resolve("missing"));

    policy.whiteout(layer.resolve("link"));
    policy.whiteout(layer.resolve("dangling"));

    assertEquals(Map.of("target", "d", "target/keep", "f", "layer", "d"), LayerApplierTest.tree(tmp));
  }

  @Test
  void whiteout_directoryContainingSymlinkToOutside_neverDescendsIntoIt() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep"), "x");
    Files.createDirectories(tmp.resolve("layer/d"));
    Files.createSymbolicLink(tmp.resolve("layer/d/out"), outside);

    policy.whiteout(tmp.resolve("layer/d"));

    assertEquals(Map.of("outside", "d", "outside/keep", "f", "layer", "d"), LayerApplierTest.tree(tmp));
  }

  @Test
  void opaque_deletesChildrenNotKeptAndDescendsIntoKeptDirectories() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("d"));
    Files.writeString(d.resolve("old"), "x");
    Files.createDirectories(d.resolve("olddir/sub"));
    Files.createDirectories(d.resolve("new/lower-child"));
    Files.writeString(d.resolve("new/upper-child"), "x");
    Files.writeString(d.resolve("newfile"), "x");
    Set<Path> keep = Set.of(d.resolve("new"), d.resolve("new/upper-child"), d.resolve("newfile"));

    policy.opaque(d, keep::contains);

    assertEquals(Map.of("d", "d", "d/new", "d", "d/new/upper-child", "f", "d/newfile", "f"), LayerApplierTest.tree(tmp));
  }

  @Test
  void opaque_keptSymlinkToDirectory_isNotDescended() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep"), "x");
    Path d = Files.createDirectories(tmp.resolve("d"));
    Files.createSymbolicLink(d.resolve("link"), outside);

    policy.opaque(d, d.resolve("link")::equals);

    assertTrue(Files.exists(outside.resolve("keep")));
    assertTrue(Files.isSymbolicLink(d.resolve("link")));
  }

  @Test
  void opaque_missingDirectory_isFine() throws IOException {
    policy.opaque(tmp.resolve("missing"), p -> false);
    assertFalse(Files.exists(tmp.resolve("missing")));
  }
}
