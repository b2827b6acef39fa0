package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.StorageException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.posix.FileNodes;
import dev.strata.testing.RawTar;
import dev.strata.testing.HostileGround;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The layer-tar half of the hostile corpus: 62 inputs, each its own test. 57 are refused (this
 * class) and 5 are legal layers that only look hostile, applied and contained ({@link Contained});
 * the image archives of {@code BadArchiveLoadTest} in layer-store are the other half. Categories:
 * malformed headers and truncation, huge and negative sizes, PAX headers with huge sizes or bogus
 * paths, {@code ..} and absolute names, symlink-then-write-through, hard links to outside, to a
 * symlink and to a whiteout, whiteouts naming {@code ..}, {@code .} or the root, device nodes,
 * sparse maps that lie, names with control bytes or bytes that are not UTF-8, and gzip bombs.
 *
 * <p>A refused input fails with the exact exception type and a message naming the offending entry
 * exactly, escaped as {@code PrintableNames} quotes it (or the header offset, when what is broken
 * is no entry at all). Refused or contained, nothing outside the target changes: the tests run on
 * a loop filesystem of their own ({@link HostileGround}), several levels deep, with a sentinel
 * directory beside the target, a directory symlinks point at and a file hard links aim at, and
 * that whole filesystem is snapshotted before and after, so an escape climbing above the test's
 * directory is seen too.
 */
class LayerApplierHostileTest {

  @RegisterExtension final HostileGround ground = HostileGround.onLoopFilesystem();

  private Path tmp;
  private Path target;
  private Path outside;
  private Path sentinel;

  @BeforeEach
  void populate() throws IOException {
    tmp = ground.dir();
    target = Files.createDirectory(tmp.resolve("target"));
    sentinel = Files.createDirectories(tmp.resolve("sentinel/sub"));
    Files.writeString(tmp.resolve("sentinel/a.txt"), "keep me");
    Files.writeString(tmp.resolve("sentinel/sub/b.txt"), "keep me too");
    sentinel = tmp.resolve("sentinel");
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "outside secret");
    Files.writeString(tmp.resolve("passwd"), "root:x:0:0");
  }

  private ApplyResult apply(byte[] tar, ApplyOptions options) throws IOException {
    return new LayerApplier(options, new DeletingWhiteouts()).apply(new ByteArrayInputStream(tar), target);
  }

  private static ApplyOptions defaults() {
    return new FileNodes().isRoot() ? ApplyOptions.privileged() : ApplyOptions.unprivileged();
  }

  private Map<String, String> outsideTarget() throws IOException {
    return ground.outside(target);
  }

  private <T extends StorageException> T assertRefused(Class<T> type, byte[] tar, String names) throws IOException {
    return assertRefused(type, tar, names, defaults());
  }

  /**
   * Applies, expects {@code type} whose message contains {@code names} (the entry quoted, {@code
   * "entry 'a/b'"}, so that a name is never matched by a part of another), and an unchanged outside.
   */
  private <T extends StorageException> T assertRefused(Class<T> type, byte[] tar, String names, ApplyOptions options)
      throws IOException {
    Map<String, String> before = outsideTarget();
    T e = assertThrows(type, () -> apply(tar, options));
    assertTrue(e.getMessage().contains(names), () -> "message should name " + names + ": " + e.getMessage());
    assertEquals(before, outsideTarget(), "something outside the target changed");
    return e;
  }

  /** Applies a tar that is a legal layer, and expects nothing outside the target to change. */
  private ApplyResult assertContained(byte[] tar, ApplyOptions options) throws IOException {
    Map<String, String> before = outsideTarget();
    ApplyResult result = apply(tar, options);
    assertEquals(before, outsideTarget(), "something outside the target changed");
    return result;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void apply_badHeaderChecksum_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file("ok", "x").add(RawTar.file("tampered").badChecksum(), bytes("y")).end();
    CorruptException e = assertRefused(CorruptException.class, tar, "entry 'tampered'");
    assertTrue(e.getMessage().contains("tar header at offset 1024 has a bad checksum"), e.getMessage());
  }

  @Test
  void apply_truncatedInsideFileContent_throwsCorrupt() throws IOException {
    byte[] full = new RawTar().add(RawTar.file("big").size(5000), new byte[5000]).end();
    assertRefused(CorruptException.class, Arrays.copyOf(full, 512 + 3000), "entry 'big' (offset 0)");
  }

  @Test
  void apply_truncatedInsideHeader_throwsCorruptNamingTheCutEntry() throws IOException {
    byte[] full = new RawTar().file("first", "1").file("second", "2").end();
    CorruptException e = assertRefused(CorruptException.class, Arrays.copyOf(full, 1024 + 200),
        "entry 'second' (offset 1024), cut after 200 of its 512 header bytes");
    assertTrue(e.getMessage().endsWith("after entry 'first' (offset 0)"), e.getMessage());
  }

  @Test
  void apply_sizeAboveOneTebibyte_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("huge").base256Size(1L << 41)).end();
    assertRefused(CorruptException.class, tar, "entry 'huge'");
  }

  @Test
  void apply_negativeSize_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("negative").base256Size(-5)).end();
    assertRefused(CorruptException.class, tar, "entry 'negative'");
  }

  @Test
  void apply_paxSizeGarbage_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("size", "12abc").file("paxsize", "x").end();
    assertRefused(CorruptException.class, tar, "entry 'paxsize' (offset 1024)");
  }

  @Test
  void apply_paxHeaderDeclaringGigabytes_throwsCorruptWithoutBufferingIt() throws IOException {
    RawTar t = new RawTar();
    t.raw(new RawTar.Header("PaxHeaders/huge").type('x').size(3L << 30).bytes());
    t.raw(new byte[4 << 20]); // only 4 MiB follow; the reader must stop at its 1 MiB header limit
    assertRefused(CorruptException.class, t.bytes(), "extended header 'PaxHeaders/huge' (offset 0)");
  }

  @Test
  void apply_multiVolumeContinuation_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("continued").type('M'), bytes("tail")).end();
    assertRefused(CorruptException.class, tar, "entry 'continued'");
  }

  @Test
  void apply_unknownEntryType_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("weird").type('Z'), bytes("?")).end();
    assertRefused(CorruptException.class, tar, "entry 'weird'");
  }

  @Test
  void apply_randomBytes_throwsCorruptSayingTheFirstBlockIsNoHeader() throws IOException {
    byte[] junk = new byte[4096];
    new Random(42).nextBytes(junk);
    junk[0] = 'j'; // not a compression magic
    // No entry to name: the block is no header, and its "name" is noise.
    CorruptException e = assertRefused(CorruptException.class, junk, "tar header at offset 0 has a bad checksum");
    assertFalse(e.getMessage().contains("entry"), e.getMessage());
  }

  @Test
  void apply_truncatedGzipStream_throwsCorrupt() throws IOException {
    byte[] random = new byte[300_000];
    new Random(7).nextBytes(random); // incompressible, so the cut falls inside the member's content
    byte[] tar = new RawTar().add(RawTar.file("zipped"), random).end();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    byte[] cut = Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
    CorruptException e = assertRefused(CorruptException.class, cut, "entry 'zipped' (offset 0)");
    assertTrue(e.getMessage().contains(": the gzip stream ends early, after " + cut.length + " compressed bytes ("),
        e.getMessage());
  }

  @Test
  void apply_dotDotEscape_throwsCorrupt() throws IOException {
    assertRefused(CorruptException.class, new RawTar().file("../escaped", "x").end(), "entry '../escaped'");
    assertFalse(Files.exists(tmp.resolve("escaped")));
  }

  @Test
  void apply_dotDotAfterInnerComponents_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file("a/b/../../../sentinel/a.txt", "overwritten").end();
    assertRefused(CorruptException.class, tar, "entry 'a/b/../../../sentinel/a.txt'");
  }

  @Test
  void apply_paxPathWithDotDot_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("path", "../pax-escape").file("innocent", "x").end();
    assertRefused(CorruptException.class, tar, "entry '../pax-escape'");
  }

  @Test
  void apply_gnuLongNameWithDotDot_throwsCorrupt() throws IOException {
    String name = "d/".repeat(60) + "../".repeat(62) + "gnu-escape";
    byte[] tar = new RawTar().gnuLongName(name).file("short", "x").end();
    assertRefused(CorruptException.class, tar, "entry '" + name + "'");
  }

  @Test
  void apply_nulInPaxPath_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("path", "evil\0name").file("carrier", "x").end();
    assertRefused(CorruptException.class, tar, "entry 'evil\\x00name'");
  }

  @Test
  void apply_emptyName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file("", "x").end();
    assertRefused(CorruptException.class, tar, "entry '' (offset 0)");
  }

  @Test
  void apply_entryThroughSymlinkToOutside_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().symlink("evil", outside.toString()).file("evil/planted", "x").end();
    CorruptException e = assertRefused(CorruptException.class, tar, "entry 'evil/planted'");
    assertTrue(e.getMessage().contains("goes through symlink 'evil'"), e.getMessage());
  }

  @Test
  void apply_entryThroughRelativeDotDotSymlinkChain_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("a/").symlink("a/up", "../..").symlink("a/up2", "up/..")
        .file("a/up2/sentinel/a.txt", "x").end();
    assertRefused(CorruptException.class, tar, "entry 'a/up2/sentinel/a.txt'");
  }

  @Test
  void apply_symlinkInsideRootUsedAsParent_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("real/").symlink("alias", "real").file("alias/x", "x").end();
    assertRefused(CorruptException.class, tar, "entry 'alias/x'");
  }

  @Test
  void apply_fileReplacedBySymlinkThenWrittenThrough_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file("f", "plain").symlink("f", outside.toString()).file("f/secret", "pwned").end();
    assertRefused(CorruptException.class, tar, "entry 'f/secret'");
    assertEquals("outside secret", Files.readString(outside.resolve("secret")));
  }

  @Test
  void apply_verifiedDirectoryReplacedBySymlink_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("d/").file("d/a", "1").symlink("d", outside.toString()).file("d/b", "2").end();
    assertRefused(CorruptException.class, tar, "entry 'd/b'");
    assertFalse(Files.exists(outside.resolve("b")));
  }

  @Test
  void apply_directoryReplacedByFileThenEntryThroughIt_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("d/").file("d/a", "1").file("d", "now a file").file("d/b", "2").end();
    CorruptException e = assertRefused(CorruptException.class, tar, "entry 'd/b'");
    assertTrue(e.getMessage().contains("goes through 'd', which is not a directory"), e.getMessage());
  }

  @Test
  void apply_hardlinkEscapingRoot_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().hardlink("pw", "../passwd").end();
    assertRefused(CorruptException.class, tar, "entry 'pw' (offset 0): hardlink target '../passwd'");
  }

  @Test
  void apply_hardlinkEscapingRootTwoLevels_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().hardlink("pw2", "../../etc/passwd").end();
    assertRefused(CorruptException.class, tar, "entry 'pw2' (offset 0): hardlink target '../../etc/passwd'");
  }

  @Test
  void apply_hardlinkToNonexistent_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().hardlink("dangling", "nowhere/missing").end();
    assertRefused(CorruptException.class, tar, "entry 'dangling' (offset 0) is a hardlink to 'nowhere/missing',"
        + " which does not exist");
  }

  @Test
  void apply_hardlinkToDirectory_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("dir/").hardlink("dirlink", "dir").end();
    assertRefused(CorruptException.class, tar, "entry 'dirlink'");
  }

  @Test
  void apply_hardlinkToWhiteoutName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file("victim", "v").add(RawTar.file(".wh.victim")).hardlink("h", ".wh.victim").end();
    assertRefused(CorruptException.class, tar, "entry 'h' (offset 1536) is a hardlink to a whiteout name '.wh.victim'");
  }

  @Test
  void apply_hardlinkThroughSymlinkParent_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().symlink("evil", outside.toString()).hardlink("stolen", "evil/secret").end();
    assertRefused(CorruptException.class, tar, "entry 'stolen'");
  }

  @Test
  void apply_whiteoutOfDotDot_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("a/").add(RawTar.file("a/.wh...")).end();
    assertRefused(CorruptException.class, tar, "entry 'a/.wh...'");
    assertTrue(Files.isDirectory(target.resolve("a")));
  }

  @Test
  void apply_whiteoutOfDot_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file(".wh..")).end();
    assertRefused(CorruptException.class, tar, "entry '.wh..'");
  }

  @Test
  void apply_whiteoutWithEmptyName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("dir/.wh.")).end();
    assertRefused(CorruptException.class, tar, "entry 'dir/.wh.'");
  }

  @Test
  void apply_whiteoutInEscapingDirectory_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("x/../../sentinel/.wh.a.txt")).end();
    assertRefused(CorruptException.class, tar, "entry 'x/../../sentinel/.wh.a.txt'");
  }

  @Test
  void apply_whiteoutThroughSymlink_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().symlink("s", sentinel.toString()).add(RawTar.file("s/.wh.a.txt")).end();
    assertRefused(CorruptException.class, tar, "entry 's/.wh.a.txt'");
  }

  @Test
  void apply_opaqueThroughSymlink_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().symlink("s", sentinel.toString()).add(RawTar.file("s/.wh..wh..opq")).end();
    assertRefused(CorruptException.class, tar, "entry 's/.wh..wh..opq'");
  }

  @Test
  void apply_entryBelowWhiteoutName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file(".wh.dir/file", "x").end();
    assertRefused(CorruptException.class, tar, "entry '.wh.dir/file'");
  }

  @Test
  void apply_rootEntryAsFile_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file(".", "x").end();
    assertRefused(CorruptException.class, tar, "entry '.' (offset 0) would replace the layer root with a file");
    assertTrue(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void apply_rootEntryAsSymlink_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().symlink(".", outside.toString()).end();
    assertRefused(CorruptException.class, tar, "entry '.' (offset 0) would replace the layer root with a symlink");
    assertTrue(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void apply_whiteoutOfEverythingUpToRoot_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("a/../.wh..")).end();
    assertRefused(CorruptException.class, tar, "entry 'a/../.wh..'");
  }

  @Test
  void apply_charDeviceWithDevicesOff_throwsUnsupported() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("dev/null").type('3').dev(1, 3)).end();
    assertRefused(UnsupportedException.class, tar, "entry 'dev/null'", ApplyOptions.unprivileged());
    assertFalse(Files.exists(target.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void apply_blockDeviceWithDevicesOff_throwsUnsupported() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("dev/sda").type('4').dev(8, 0)).end();
    assertRefused(UnsupportedException.class, tar, "entry 'dev/sda'", ApplyOptions.unprivileged());
  }

  @Test
  void apply_paxSizeOfHundredTerabytes_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("size", "99999999999999").file("paxhuge", "x").end();
    assertRefused(CorruptException.class, tar, "entry 'paxhuge'");
  }

  @Test
  void apply_paxPathClimbingTwiceOverBenignUstarName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("path", "../../x").file("benign.txt", "x").end();
    assertRefused(CorruptException.class, tar, "entry '../../x'");
  }

  @Test
  void apply_paxPathAbsoluteClimbing_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("path", "/../../sentinel/a.txt").file("benign.txt", "x").end();
    assertRefused(CorruptException.class, tar, "entry '/../../sentinel/a.txt'");
  }

  @Test
  void apply_paxLinkpathEscapingForHardlink_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("linkpath", "../passwd").hardlink("pw", "benign").end();
    assertRefused(CorruptException.class, tar, "entry 'pw' (offset 1024): hardlink target '../passwd'");
  }

  @Test
  void apply_hardlinkToOpaqueWhiteoutName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("d/").add(RawTar.file("d/.wh..wh..opq")).hardlink("h", "d/.wh..wh..opq").end();
    assertRefused(CorruptException.class, tar, "entry 'h' (offset 1024) is a hardlink to a whiteout name 'd/.wh..wh..opq'");
  }

  @Test
  void apply_whiteoutOfRootByAbsoluteName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("/.wh..")).end();
    assertRefused(CorruptException.class, tar, "entry '/.wh..'");
    assertTrue(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void apply_whiteoutOfDotDotAtTopLevel_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file(".wh...")).end();
    assertRefused(CorruptException.class, tar, "entry '.wh...'");
    assertTrue(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void apply_deviceNodeEscapingAsRoot_throwsCorrupt() throws IOException {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "mknod needs root");
    byte[] tar = new RawTar().add(RawTar.file("../dev-escape").type('3').dev(1, 3)).end();
    assertRefused(CorruptException.class, tar, "entry '../dev-escape'", ApplyOptions.privileged());
  }

  @Test
  void apply_escapingNameWithControlBytes_throwsCorruptNamingItEscaped() throws IOException {
    // A newline would forge a second log line, ESC [2J would clear the operator's terminal.
    byte[] tar = new RawTar().pax("path", "../evil\nline\u001b[2J\tend").file("carrier", "x").end();
    CorruptException e = assertRefused(CorruptException.class, tar, "entry '../evil\\nline\\x1b[2J\\tend' (offset 1024)");
    assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\u001b"), e.getMessage());
  }

  @Test
  void apply_escapingNameThatIsNotUtf8_throwsCorruptNamingItsRawBytes() throws IOException {
    byte[] name = {'.', '.', '/', 'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, 'n', 'a', 'm', 'e'};
    byte[] tar = new RawTar().pax("path", name).file("carrier", "x").end();
    assertRefused(CorruptException.class, tar, "entry '../bad\\xff\\xfename' (offset 1024)");
  }

  /**
   * A GNU sparse 1.0 member (PAX {@code GNU.sparse.*} records, the map at the start of the data):
   * {@code map} is offset/length pairs, {@code data} the bytes stored after the map block.
   */
  private static byte[] sparse10(String name, long realSize, long[] map, byte[] data, long storedSize) {
    StringBuilder m = new StringBuilder().append(map.length / 2).append('\n');
    for (long v : map) {
      m.append(v).append('\n');
    }
    byte[] mapBytes = bytes(m.toString());
    byte[] block = Arrays.copyOf(mapBytes, ((mapBytes.length + 511) / 512) * 512);
    byte[] content = new byte[block.length + data.length];
    System.arraycopy(block, 0, content, 0, block.length);
    System.arraycopy(data, 0, content, block.length, data.length);
    RawTar t = new RawTar().paxAll("GNU.sparse.major", "1", "GNU.sparse.minor", "0", "GNU.sparse.name", name,
        "GNU.sparse.realsize", Long.toString(realSize));
    return t.add(RawTar.file("GNUSparseFile.0/" + name).size(storedSize < 0 ? content.length : storedSize), content)
        .end();
  }

  @Test
  void apply_sparseMapLargerThanStoredData_throwsCorrupt() throws IOException {
    // The map promises 64 KiB of data; 512 bytes are stored, so the map reads into the end blocks.
    byte[] tar = sparse10("liar", 1 << 20, new long[] {0, 65536}, new byte[512], -1);
    assertRefused(CorruptException.class, tar, "entry 'liar'");
    assertFalse(Files.exists(target.resolve("liar")) && Files.size(target.resolve("liar")) == 1 << 20);
  }

  @Test
  void apply_sparseMapOverlapping_throwsCorrupt() throws IOException {
    byte[] data = new byte[1024];
    Arrays.fill(data, (byte) 'x');
    byte[] tar = sparse10("overlap", 4096, new long[] {0, 512, 256, 512}, data, -1);
    assertRefused(CorruptException.class, tar, "entry 'overlap'");
  }

  @Test
  void apply_sparseMapBeyondRealSize_throwsCorrupt() throws IOException {
    byte[] data = new byte[512];
    Arrays.fill(data, (byte) 'y');
    byte[] tar = sparse10("beyond", 100, new long[] {1 << 20, 512}, data, -1);
    assertRefused(CorruptException.class, tar, "entry 'beyond'");
  }

  @Test
  void apply_sparseMapWithBillionsOfEntries_throwsCorruptWithoutAllocatingThem() throws IOException {
    byte[] tar = sparse10("many", 4096, new long[0], new byte[0], -1);
    String head = new String(tar, StandardCharsets.ISO_8859_1);
    int at = head.indexOf("0\n", head.indexOf("GNUSparseFile.0/many") + 512);
    byte[] count = bytes("9999999999\n");
    System.arraycopy(count, 0, tar, at, count.length);
    assertRefused(CorruptException.class, tar, "entry 'many'");
  }

  @Test
  void apply_sparse01MapOverlapping_throwsCorrupt() throws IOException {
    byte[] data = new byte[1024];
    Arrays.fill(data, (byte) 'z');
    byte[] tar = new RawTar().paxAll("GNU.sparse.major", "0", "GNU.sparse.minor", "1", "GNU.sparse.name", "old",
        "GNU.sparse.realsize", "4096", "GNU.sparse.numblocks", "2", "GNU.sparse.map", "0,512,256,512")
        .add(RawTar.file("GNUSparseFile.0/old"), data).end();
    assertRefused(CorruptException.class, tar, "entry 'old'");
  }

  @Test
  void apply_gzipBombLargerThanItsHeaderSays_throwsCorrupt() throws IOException {
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    byte[] content = new byte[8 << 20];
    Arrays.fill(content, (byte) 'A');
    // A header claiming 1 KiB, then 8 MiB of 'A': the excess reads as a garbage header.
    bomb.writeBytes(gzip(new RawTar.Header("small-claim").size(1024).bytes(), 1));
    bomb.writeBytes(gzip(content, 1));
    byte[] tar = bomb.toByteArray();
    CorruptException e = assertRefused(CorruptException.class, tar, "tar header at offset 1536 has a bad checksum");
    assertTrue(e.getMessage().endsWith("after entry 'small-claim' (offset 0)"), e.getMessage());
  }

  private static byte[] gzip(byte[] chunk, int times) throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz, 64 * 1024)) {
      for (int i = 0; i < times; i++) {
        out.write(chunk);
      }
    }
    return gz.toByteArray();
  }

  /**
   * Inputs that look hostile but are legal layers: applied, and contained in the target. Each is a
   * test of its own, named as accepted, and counted apart from the refused ones.
   */
  @Nested
  class Contained {

    @Test
    void apply_absoluteName_isAcceptedAndLandsInsideTarget() throws IOException {
      String name = tmp.resolve("sentinel/a.txt").toString();
      assertContained(new RawTar().file(name, "inside").file("/etc/strata-apply-absolute", "inside").end(), defaults());
      assertEquals("inside", Files.readString(target.resolve(name.substring(1))));
      assertEquals("inside", Files.readString(target.resolve("etc/strata-apply-absolute")));
      assertFalse(Files.exists(Path.of("/etc/strata-apply-absolute")));
    }

    @Test
    void apply_directoryReplacedBySymlinkAfterItsEntry_isAcceptedAndNeverChmodsTheSymlinkTarget() throws IOException {
      byte[] tar = new RawTar().add(new RawTar.Header("d/").type('5').mode(0777))
          .symlink("d", outside.toString()).end();
      assertContained(tar, defaults());
      assertTrue(Files.isSymbolicLink(target.resolve("d")));
    }

    @Test
    void apply_hardlinkToSymlinkPointingOutside_isAcceptedAndLinksTheSymlinkItself() throws IOException {
      byte[] tar = new RawTar().symlink("evil", outside.resolve("secret").toString()).hardlink("h", "evil").end();
      assertContained(tar, defaults());
      assertTrue(Files.isSymbolicLink(target.resolve("h")));
    }

    @Test
    void apply_deviceNodesAsRoot_areAcceptedInsideTheTargetOnly() throws IOException {
      Assumptions.assumeTrue(new FileNodes().isRoot(), "mknod needs root");
      assertContained(new RawTar().add(RawTar.file("dev/null").type('3').dev(1, 3))
          .add(RawTar.file("dev/sda").type('4').dev(8, 0)).end(), ApplyOptions.privileged());
      assertEquals("character", kind(target.resolve("dev/null")));
      assertEquals("block", kind(target.resolve("dev/sda")));
    }

    /**
     * A gzip bomb: 1 MiB of concatenated gzip members expanding to a 1 GiB member of zeros. It is
     * contained rather than refused, since a sparse 1 GiB file is a legal layer: memory stays flat
     * (one buffer, whatever the stream) and the zeros become a hole, so the disk takes almost nothing.
     * A bomb of non-zero bytes is bounded by the filesystem instead: ENOSPC, tested in layer-store.
     */
    @Test
    void apply_gzipBombOfZeros_isAcceptedInFlatMemoryAndStaysSparse() throws IOException {
      long size = 1L << 30;
      ByteArrayOutputStream bomb = new ByteArrayOutputStream();
      bomb.writeBytes(gzip(new RawTar.Header("bomb").size(size).bytes(), 1));
      byte[] member = gzip(new byte[1 << 20], 64); // one member: 64 MiB of zeros in ~64 KiB
      for (long done = 0; done < size; done += 64L << 20) {
        bomb.writeBytes(member);
      }
      bomb.writeBytes(gzip(new byte[1024], 1));
      byte[] tar = bomb.toByteArray();
      assertTrue(tar.length < 2 << 20, "the bomb is small: " + tar.length);
      Map<String, String> before = outsideTarget();
      System.gc();
      long heapBefore = usedHeap();
      long[] peak = {0};
      Thread watcher = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peak[0] = Math.max(peak[0], usedHeap());
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      watcher.setDaemon(true);
      watcher.start();
      ApplyResult r;
      try {
        r = apply(tar, defaults());
      } finally {
        watcher.interrupt();
      }
      Path file = target.resolve("bomb");
      assertEquals(size, Files.size(file));
      long allocated = new dev.strata.posix.FileBlocks().allocatedBytes(file);
      assertTrue(allocated < 1 << 20, "the zeros are a hole, not " + allocated + " bytes on disk");
      assertTrue(peak[0] - heapBefore < 256L << 20, "heap grew by " + (peak[0] - heapBefore) + " bytes");
      assertEquals(size, r.size());
      assertEquals(before, outsideTarget());
    }
  }

  private static String kind(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return switch (mode & 0170000) {
      case 0020000 -> "character";
      case 0060000 -> "block";
      default -> Integer.toOctalString(mode);
    };
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
