package dev.strata.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.RawTar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTreeTest {

  @TempDir Path tmp;

  @Test
  void open_tarWithDotSlashNames_findsFilesAndDeletesStagingOnClose() throws Exception {
    Path tar = write("a.tar", new LayerTarBuilder().dir(".", 0755).file("./manifest.json", "[]", 0644)
        .dir("./blobs", 0755).build());
    Path staging;
    try (ArchiveTree tree = ArchiveTree.open(tar, tmp.resolve("tmp"))) {
      assertTrue(tree.has("manifest.json"));
      assertArrayEquals("[]".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(tree.file("manifest.json", "m")));
      staging = tree.file("manifest.json", "m").getParent();
      assertTrue(staging.getFileName().toString().startsWith("image-load-"));
    }
    assertFalse(Files.exists(staging));
    assertEquals(List.of(), list(tmp.resolve("tmp")));
  }

  @Test
  void open_entryWithDotDot_throwsCorruptAndLeavesNoStaging() throws Exception {
    Path tar = write("evil.tar", new RawTar().file("../../evil", "x").end());
    CorruptException e = assertThrows(CorruptException.class, () -> ArchiveTree.open(tar, tmp.resolve("tmp")));
    assertTrue(e.getMessage().contains("../../evil"), e.getMessage());
    assertEquals(List.of(), list(tmp.resolve("tmp")));
    assertFalse(Files.exists(tmp.getParent().resolve("evil")));
  }

  @Test
  void open_absoluteEntry_throwsCorrupt() throws Exception {
    Path tar = write("evil.tar", new RawTar().file("/tmp/strata-evil", "x").end());
    assertThrows(CorruptException.class, () -> ArchiveTree.open(tar, tmp.resolve("tmp")));
  }

  @Test
  void open_symlinkOutside_throwsCorrupt() throws Exception {
    Path tar = write("evil.tar", new RawTar().symlink("escape", "../../../etc").end());
    assertThrows(CorruptException.class, () -> ArchiveTree.open(tar, tmp.resolve("tmp")));
  }

  @Test
  void open_symlinkThroughDirectoryThenFile_neverWritesOutside() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path tar = write("evil.tar", new RawTar().symlink("d", ".").file("d/x", "x").end());
    try (ArchiveTree tree = ArchiveTree.open(tar, tmp.resolve("tmp"))) {
      assertTrue(tree.has("d/x"));
    }
    assertEquals(List.of(), list(outside));
  }

  @Test
  void file_legacySharedLayerSymlink_resolvesInsideTheArchive() throws Exception {
    Path tar = write("shared.tar", new LayerTarBuilder().file("aaa/layer.tar", "layer bytes", 0644)
        .symlink("bbb/layer.tar", "../aaa/layer.tar").hardlink("ccc/layer.tar", "aaa/layer.tar").build());
    try (ArchiveTree tree = ArchiveTree.open(tar, tmp.resolve("tmp"))) {
      assertEquals("layer bytes", Files.readString(tree.file("bbb/layer.tar", "layer")));
      assertEquals("layer bytes", Files.readString(tree.file("ccc/layer.tar", "layer")));
    }
  }

  @Test
  void open_deviceEntry_throwsCorrupt() throws Exception {
    Path tar = write("dev.tar", new LayerTarBuilder().charDevice("null", 0644, 0, 0).build());
    assertThrows(CorruptException.class, () -> ArchiveTree.open(tar, tmp.resolve("tmp")));
  }

  @Test
  void open_truncatedTar_throwsCorruptAndLeavesNoStaging() throws Exception {
    byte[] whole = new LayerTarBuilder().file("big", new byte[100_000], 0644).build();
    Path tar = write("cut.tar", Arrays.copyOf(whole, 50_000));
    assertThrows(CorruptException.class, () -> ArchiveTree.open(tar, tmp.resolve("tmp")));
    assertEquals(List.of(), list(tmp.resolve("tmp")));
  }

  @Test
  void open_truncatedGzip_throwsCorrupt() throws Exception {
    byte[] whole = new LayerTarBuilder().file("big", randomish(100_000), 0644).buildGzip();
    Path tar = write("cut.tar.gz", Arrays.copyOf(whole, whole.length / 2));
    assertThrows(CorruptException.class, () -> ArchiveTree.open(tar, tmp.resolve("tmp")));
  }

  @Test
  void open_missingInput_throwsNotFound() {
    assertThrows(NotFoundException.class, () -> ArchiveTree.open(tmp.resolve("nope.tar"), tmp.resolve("tmp")));
  }

  @Test
  void file_escapingOrAbsoluteName_throwsInvalidArgument() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("dir"));
    try (ArchiveTree tree = ArchiveTree.open(dir, tmp.resolve("tmp"))) {
      assertThrows(InvalidArgumentException.class, () -> tree.file("../../etc/passwd", "layer"));
      assertThrows(InvalidArgumentException.class, () -> tree.file("/etc/passwd", "layer"));
    }
  }

  @Test
  void file_directorySymlinkOutside_throwsInvalidArgument() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("dir"));
    Files.writeString(tmp.resolve("secret"), "s");
    Files.createSymbolicLink(dir.resolve("layer.tar"), tmp.resolve("secret"));
    try (ArchiveTree tree = ArchiveTree.open(dir, tmp.resolve("tmp"))) {
      assertThrows(InvalidArgumentException.class, () -> tree.file("layer.tar", "layer"));
    }
    assertTrue(Files.exists(dir.resolve("layer.tar")), "a directory given is never deleted");
  }

  @Test
  void file_missing_throwsCorrupt() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("dir"));
    try (ArchiveTree tree = ArchiveTree.open(dir, tmp.resolve("tmp"))) {
      CorruptException e = assertThrows(CorruptException.class, () -> tree.file("blobs/sha256/abc", "layer 0"));
      assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }

  private static byte[] randomish(int n) {
    byte[] b = new byte[n];
    long x = 42;
    for (int i = 0; i < n; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      b[i] = (byte) (x >>> 56);
    }
    return b;
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
