package dev.strata.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerTarBuilderTest {

  @TempDir Path tmp;

  private static LayerTarBuilder sample() {
    return new LayerTarBuilder()
        .dir("etc", 0755)
        .file("etc/motd", "hello", 0640).owner(1, 2).xattr("user.tag", "blue")
        .symlink("etc/link", "motd")
        .hardlink("etc/again", "etc/motd")
        .whiteout("etc/issue")
        .opaque("var");
  }

  @Test
  void build_sameDescription_givesSameBytes() {
    assertArrayEquals(sample().build(), sample().build());
  }

  @Test
  void build_entries_areWrittenInOrderAsDescribed() throws IOException {
    List<TarArchiveEntry> entries = read(sample().build());

    assertEquals(List.of("etc/", "etc/motd", "etc/link", "etc/again", "etc/.wh.issue", "var/.wh..wh..opq"),
        entries.stream().map(TarArchiveEntry::getName).toList());
    TarArchiveEntry motd = entries.get(1);
    assertEquals(0640, motd.getMode() & 07777);
    assertEquals(1, motd.getLongUserId());
    assertEquals(2, motd.getLongGroupId());
    assertEquals("blue", motd.getExtraPaxHeader("SCHILY.xattr.user.tag"));
    assertEquals(LayerTarBuilder.DEFAULT_MTIME, motd.getLastModifiedTime().toInstant());
    assertEquals("motd", entries.get(2).getLinkName());
    assertTrue(entries.get(3).isLink());
  }

  @Test
  void build_longName_isPaxPathUnlessGnuLongNames() throws IOException {
    String name = "d/".repeat(60) + "file";

    byte[] pax = new LayerTarBuilder().file(name, "x", 0644).build();
    byte[] gnu = new LayerTarBuilder().file(name, "x", 0644).gnuLongNames().build();

    assertEquals(List.of(name), read(pax).stream().map(TarArchiveEntry::getName).toList());
    assertEquals(List.of(name), read(gnu).stream().map(TarArchiveEntry::getName).toList());
    assertTrue(contains(pax, "path=" + name), "a PAX path record");
    assertTrue(contains(gnu, "././@LongLink"), "a GNU long-name entry");
    assertFalse(contains(gnu, "path=" + name), "no PAX path record in GNU form");
  }

  @Test
  void applyTo_whiteoutAndOpaque_deleteWhatLowerLayersHeld() throws IOException {
    new LayerTarBuilder().dir("a", 0755).file("a/old", "old", 0644).file("gone", "gone", 0644)
        .applyTo(tmp, false);

    new LayerTarBuilder().whiteout("gone").dir("a", 0755).opaque("a").file("a/new", "new", 0644)
        .applyTo(tmp, false);

    try (var paths = Files.walk(tmp)) {
      assertEquals(Set.of("", "a", "a/new"), Set.copyOf(paths.map(p -> tmp.relativize(p).toString()).toList()));
    }
  }

  @Test
  void owner_beforeAnyEntry_throwsIllegalState() {
    assertThrows(IllegalStateException.class, () -> new LayerTarBuilder().owner(1, 1));
  }

  private static List<TarArchiveEntry> read(byte[] tar) throws IOException {
    List<TarArchiveEntry> entries = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.add(e);
      }
    }
    return entries;
  }

  private static boolean contains(byte[] tar, String text) {
    return new String(tar, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
  }
}
