package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names that are not UTF-8 keep their bytes through paths, native calls and listings. */
class RawNamesTest {

  /** {@code \xff\xfe}, a lone continuation byte, Latin-1 é, an overlong '/' (C0 AF), UTF-8 NFC and NFD. */
  private static final List<String> NAMES = List.of(
      "invalid-utf8-\u00ff\u00fe",
      "lone-\u0080",
      "caf\u00e9",
      "overlong-\u00c0\u00af",
      RawNames.ofText("\u00e9t\u00e9"),
      RawNames.ofText("e\u0301te\u0301"));

  @TempDir Path tmp;

  @Test
  void resolve_everyByteButSlashAndNul_listsBackTheSameBytes() throws IOException {
    Set<String> made = new HashSet<>();
    for (int b = 1; b < 256; b++) {
      if (b == '/') {
        continue;
      }
      String raw = "n-" + (char) b;
      Files.createFile(RawNames.resolve(tmp, raw));
      made.add(raw);
    }

    Set<String> listed = new HashSet<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tmp)) {
      for (Path child : dir) {
        listed.add(RawNames.of(child.getFileName()));
      }
    }

    assertEquals(made, listed);
    assertEquals(made, namesListed(tmp));
  }

  @Test
  void resolve_nestedRawNames_nativeCallsReachTheSameFile() throws IOException {
    Path dir = RawNames.resolve(tmp, NAMES.get(0));
    Files.createDirectory(dir);
    Path file = RawNames.resolve(tmp, NAMES.get(0) + "/" + NAMES.get(2));
    Files.writeString(file, "x");
    FileNodes nodes = new FileNodes();

    nodes.chmod(file, 0600);
    nodes.symlink(NAMES.get(3), RawNames.resolve(dir, "link"));

    assertEquals(0600, (Integer) Files.getAttribute(file, "unix:mode") & 07777);
    assertEquals(NAMES.get(3), RawNames.of(Files.readSymbolicLink(RawNames.resolve(dir, "link"))));
    assertArrayEquals(bytes(tmp + "/" + NAMES.get(0) + "/" + NAMES.get(2)), RawNames.bytes(file));
  }

  @Test
  void bytes_relativePathsAndTrailingSlashInLinkTarget_keptExactly() throws IOException {
    Path link = tmp.resolve("link");
    String target = "../" + NAMES.get(1) + "/";
    new FileNodes().symlink(target, link);
    Files.createDirectory(RawNames.resolve(tmp.getParent(), NAMES.get(1)));
    try {
      assertEquals(target, RawNames.of(Files.readSymbolicLink(link)));
      Path relative = RawNames.resolve(Path.of("a"), NAMES.get(0));
      assertTrue(!relative.isAbsolute(), "a relative directory gives a relative path: " + relative);
      assertEquals("a/" + NAMES.get(0), RawNames.of(relative));
    } finally {
      Files.delete(RawNames.resolve(tmp.getParent(), NAMES.get(1)));
    }
  }

  @Test
  void resolve_nfcAndNfd_stayTwoNames() throws IOException {
    Files.createFile(RawNames.resolve(tmp, NAMES.get(4)));
    Files.createFile(RawNames.resolve(tmp, NAMES.get(5)));

    assertNotEquals(NAMES.get(4), NAMES.get(5));
    assertEquals(Set.of(NAMES.get(4), NAMES.get(5)), namesListed(tmp));
  }

  @Test
  void printable_escapesWhatIsNotUtf8AndKeepsWhatIs() {
    assertEquals("invalid-utf8-\\xff\\xfe", RawNames.printable(NAMES.get(0)));
    assertEquals("overlong-\\xc0\\xaf", RawNames.printable(NAMES.get(3)));
    assertEquals("\u00e9t\u00e9", RawNames.printable(NAMES.get(4)));
    assertEquals("a\\x0ab\\x5c", RawNames.printable("a\nb\\"));
    assertEquals("plain/ascii", RawNames.printable("plain/ascii"));
    // A surrogate encoded in UTF-8 (ED A0 80) is not UTF-8 either.
    assertEquals("\\xed\\xa0\\x80", RawNames.printable("\u00ed\u00a0\u0080"));
  }

  @Test
  void ofText_andText_areInverseForUtf8() {
    String text = "na\u00efve/\u65e5\u672c/\ud83d\ude00";
    String raw = RawNames.ofText(text);

    assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), RawNames.bytes(raw));
    assertEquals(text, RawNames.text(raw));
  }

  @Test
  void xattrsAndBlocks_onRawPath_reachTheFile() throws IOException {
    Path file = RawNames.resolve(tmp, NAMES.get(0));
    Files.write(file, new byte[8192]);
    Xattrs xattrs = new Xattrs();

    xattrs.set(file, "user.k", new byte[] {1, 2});

    assertArrayEquals(new byte[] {1, 2}, xattrs.get(file, "user.k").orElseThrow());
    assertTrue(new FileBlocks().allocatedBytes(file) >= 8192, "blocks of the file itself");
    assertTrue(Files.exists(file, LinkOption.NOFOLLOW_LINKS));
  }

  /** The names in {@code dir} as {@code getdents64} gives them ({@link DirectoryEntries}): no Java path decoding. */
  private static Set<String> namesListed(Path dir) throws IOException {
    Set<String> names = new HashSet<>();
    DirectoryEntries entries = new DirectoryEntries("user.unused");
    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      while (entries.next()) {
        names.add(entries.name());
      }
    }
    return names;
  }

  private static byte[] bytes(String raw) {
    return raw.getBytes(StandardCharsets.ISO_8859_1);
  }
}
