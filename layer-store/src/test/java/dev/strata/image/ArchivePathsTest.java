package dev.strata.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArchivePathsTest {

  @Test
  void clean_relativeNames_dropDotsAndSlashes() {
    assertEquals(Optional.of("manifest.json"), ArchivePaths.clean("./manifest.json"));
    assertEquals(Optional.of("blobs/sha256"), ArchivePaths.clean("blobs//sha256/"));
    assertEquals(Optional.of(""), ArchivePaths.clean("./"));
  }

  @Test
  void clean_escapingNames_areRefused() {
    assertEquals(Optional.empty(), ArchivePaths.clean("../../etc/passwd"));
    assertEquals(Optional.empty(), ArchivePaths.clean("a/../../b"));
    assertEquals(Optional.empty(), ArchivePaths.clean("a/../b"));
    assertEquals(Optional.empty(), ArchivePaths.clean("/etc/passwd"));
    assertEquals(Optional.empty(), ArchivePaths.clean("a\\..\\b"));
    assertEquals(Optional.empty(), ArchivePaths.clean("a\0b"));
  }

  @Test
  void resolveLink_insideTheArchive_resolvesRelativeToTheLinksDirectory() {
    assertEquals(Optional.of("abc/layer.tar"), ArchivePaths.resolveLink("def/layer.tar", "../abc/layer.tar"));
    assertEquals(Optional.of("def/x"), ArchivePaths.resolveLink("def/layer.tar", "x"));
  }

  @Test
  void resolveLink_outsideTheArchive_isRefused() {
    assertEquals(Optional.empty(), ArchivePaths.resolveLink("def/layer.tar", "../../etc/passwd"));
    assertEquals(Optional.empty(), ArchivePaths.resolveLink("layer.tar", "/etc/passwd"));
  }
}
