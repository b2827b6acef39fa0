package dev.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.StorageException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.driver.posix.FileNodes;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of broken and hostile layer tars. Each must fail with the exact exception type, a
 * message naming the offending entry, and no change anywhere outside the target: a sentinel
 * directory beside the target and a directory symlinks point at are snapshotted before and after.
 */
class LayerApplierHostileTest {

  @TempDir Path tmp;
  private Path target;
  private Path outside;
  private Path sentinel;

  @BeforeEach
  void populate() throws IOException {
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
    return SurroundingsSnapshot.of(tmp, p -> p.startsWith(target));
  }

  private <T extends StorageException> T assertContained(Class<T> type, byte[] tar, String names) throws IOException {
    return assertContained(type, tar, names, defaults());
  }

  /** Applies, expects {@code type} whose message contains {@code names}, and an unchanged outside. */
  private <T extends StorageException> T assertContained(Class<T> type, byte[] tar, String names, ApplyOptions options)
      throws IOException {
    Map<String, String> before = outsideTarget();
    T e = assertThrows(type, () -> apply(tar, options));
    assertTrue(e.getMessage().contains(names), () -> "message should name '" + names + "': " + e.getMessage());
    assertEquals(before, outsideTarget(), "something outside the target changed");
    return e;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }


  @Test
  void apply_badHeaderChecksum_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file("ok", "x").add(RawTar.file("tampered").badChecksum(), bytes("y")).end();
    CorruptException e = assertContained(CorruptException.class, tar, "tampered");
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }

  @Test
  void apply_truncatedInsideFileContent_throwsCorrupt() throws IOException {
    byte[] full = new RawTar().add(RawTar.file("big").size(5000), new byte[5000]).end();
    assertContained(CorruptException.class, Arrays.copyOf(full, 512 + 3000), "big");
  }

  @Test
  void apply_truncatedInsideHeader_throwsCorrupt() throws IOException {
    byte[] full = new RawTar().file("first", "1").file("second", "2").end();
    assertContained(CorruptException.class, Arrays.copyOf(full, 1024 + 200), "first");
  }

  @Test
  void apply_sizeAboveOneTebibyte_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("huge").base256Size(1L << 41)).end();
    assertContained(CorruptException.class, tar, "huge");
  }

  @Test
  void apply_negativeSize_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("negative").base256Size(-5)).end();
    assertContained(CorruptException.class, tar, "negative");
  }

  @Test
  void apply_paxSizeGarbage_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("size", "12abc").file("paxsize", "x").end();
    assertContained(CorruptException.class, tar, "offset");
  }

  @Test
  void apply_paxHeaderDeclaringGigabytes_throwsCorruptWithoutBufferingIt() throws IOException {
    RawTar t = new RawTar();
    t.raw(new RawTar.Header("PaxHeaders/huge").type('x').size(3L << 30).bytes());
    t.raw(new byte[4 << 20]); // only 4 MiB follow; the reader must stop at its 1 MiB header limit
    assertContained(CorruptException.class, t.bytes(), "offset");
  }

  @Test
  void apply_multiVolumeContinuation_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("continued").type('M'), bytes("tail")).end();
    assertContained(CorruptException.class, tar, "continued");
  }

  @Test
  void apply_unknownEntryType_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("weird").type('Z'), bytes("?")).end();
    assertContained(CorruptException.class, tar, "weird");
  }

  @Test
  void apply_randomBytes_throwsCorrupt() throws IOException {
    byte[] junk = new byte[4096];
    new Random(42).nextBytes(junk);
    junk[0] = 'j'; // not a compression magic
    assertContained(CorruptException.class, junk, "");
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
    assertContained(CorruptException.class, cut, "zipped");
  }


  @Test
  void apply_dotDotEscape_throwsCorrupt() throws IOException {
    assertContained(CorruptException.class, new RawTar().file("../escaped", "x").end(), "../escaped");
    assertFalse(Files.exists(tmp.resolve("escaped")));
  }

  @Test
  void apply_dotDotAfterInnerComponents_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file("a/b/../../../sentinel/a.txt", "overwritten").end();
    assertContained(CorruptException.class, tar, "a/b/../../../sentinel/a.txt");
  }

  @Test
  void apply_paxPathWithDotDot_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("path", "../pax-escape").file("innocent", "x").end();
    assertContained(CorruptException.class, tar, "../pax-escape");
  }

  @Test
  void apply_gnuLongNameWithDotDot_throwsCorrupt() throws IOException {
    String name = "d/".repeat(60) + "../".repeat(62) + "gnu-escape";
    byte[] tar = new RawTar().gnuLongName(name).file("short", "x").end();
    assertContained(CorruptException.class, tar, "gnu-escape");
  }

  @Test
  void apply_nulInPaxPath_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("path", "evil\0name").file("carrier", "x").end();
    assertContained(CorruptException.class, tar, "evil");
  }

  @Test
  void apply_emptyName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file("", "x").end();
    assertContained(CorruptException.class, tar, "entry ''");
  }

  @Test
  void apply_absoluteName_landsInsideTarget() throws IOException {
    Map<String, String> before = outsideTarget();
    String name = tmp.resolve("sentinel/a.txt").toString();
    apply(new RawTar().file(name, "inside").file("/etc/strata-apply-absolute", "inside").end(), defaults());
    assertEquals("inside", Files.readString(target.resolve(name.substring(1))));
    assertEquals("inside", Files.readString(target.resolve("etc/strata-apply-absolute")));
    assertFalse(Files.exists(Path.of("/etc/strata-apply-absolute")));
    assertEquals(before, outsideTarget());
  }


  @Test
  void apply_entryThroughSymlinkToOutside_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().symlink("evil", outside.toString()).file("evil/planted", "x").end();
    CorruptException e = assertContained(CorruptException.class, tar, "evil/planted");
    assertTrue(e.getMessage().contains("goes through symlink 'evil'"), e.getMessage());
  }

  @Test
  void apply_entryThroughRelativeDotDotSymlinkChain_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("a/").symlink("a/up", "../..").symlink("a/up2", "up/..")
        .file("a/up2/sentinel/a.txt", "x").end();
    assertContained(CorruptException.class, tar, "a/up2/sentinel/a.txt");
  }

  @Test
  void apply_symlinkInsideRootUsedAsParent_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("real/").symlink("alias", "real").file("alias/x", "x").end();
    assertContained(CorruptException.class, tar, "alias/x");
  }

  @Test
  void apply_fileReplacedBySymlinkThenWrittenThrough_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file("f", "plain").symlink("f", outside.toString()).file("f/secret", "pwned").end();
    assertContained(CorruptException.class, tar, "f/secret");
    assertEquals("outside secret", Files.readString(outside.resolve("secret")));
  }

  @Test
  void apply_verifiedDirectoryReplacedBySymlink_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("d/").file("d/a", "1").symlink("d", outside.toString()).file("d/b", "2").end();
    assertContained(CorruptException.class, tar, "d/b");
    assertFalse(Files.exists(outside.resolve("b")));
  }

  @Test
  void apply_directoryReplacedByFileThenEntryThroughIt_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("d/").file("d/a", "1").file("d", "now a file").file("d/b", "2").end();
    CorruptException e = assertContained(CorruptException.class, tar, "d/b");
    assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
  }

  @Test
  void apply_directoryReplacedBySymlinkAfterItsEntry_neverChmodsTheSymlinkTarget() throws IOException {
    Map<String, String> before = outsideTarget();
    byte[] tar = new RawTar().add(new RawTar.Header("d/").type('5').mode(0777))
        .symlink("d", outside.toString()).end();
    apply(tar, defaults());
    assertTrue(Files.isSymbolicLink(target.resolve("d")));
    assertEquals(before, outsideTarget());
  }


  @Test
  void apply_hardlinkEscapingRoot_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().hardlink("pw", "../passwd").end();
    assertContained(CorruptException.class, tar, "pw");
    tar = new RawTar().hardlink("pw2", "../../etc/passwd").end();
    assertContained(CorruptException.class, tar, "pw2");
  }

  @Test
  void apply_hardlinkToNonexistent_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().hardlink("dangling", "nowhere/missing").end();
    CorruptException e = assertContained(CorruptException.class, tar, "dangling");
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void apply_hardlinkToDirectory_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("dir/").hardlink("dirlink", "dir").end();
    assertContained(CorruptException.class, tar, "dirlink");
  }

  @Test
  void apply_hardlinkToWhiteoutName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file("victim", "v").add(RawTar.file(".wh.victim")).hardlink("h", ".wh.victim").end();
    assertContained(CorruptException.class, tar, "h");
  }

  @Test
  void apply_hardlinkThroughSymlinkParent_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().symlink("evil", outside.toString()).hardlink("stolen", "evil/secret").end();
    assertContained(CorruptException.class, tar, "stolen");
  }

  @Test
  void apply_hardlinkToSymlinkPointingOutside_linksTheSymlinkItself() throws IOException {
    Map<String, String> before = outsideTarget();
    byte[] tar = new RawTar().symlink("evil", outside.resolve("secret").toString()).hardlink("h", "evil").end();
    apply(tar, defaults());
    assertTrue(Files.isSymbolicLink(target.resolve("h")));
    assertEquals(before, outsideTarget());
  }


  @Test
  void apply_whiteoutOfDotDot_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("a/").add(RawTar.file("a/.wh...")).end();
    assertContained(CorruptException.class, tar, "a/.wh...");
    assertTrue(Files.isDirectory(target.resolve("a")));
  }

  @Test
  void apply_whiteoutOfDot_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file(".wh..")).end();
    assertContained(CorruptException.class, tar, ".wh..");
  }

  @Test
  void apply_whiteoutWithEmptyName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("dir/.wh.")).end();
    assertContained(CorruptException.class, tar, "dir/.wh.");
  }

  @Test
  void apply_whiteoutInEscapingDirectory_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("x/../../sentinel/.wh.a.txt")).end();
    assertContained(CorruptException.class, tar, "x/../../sentinel/.wh.a.txt");
  }

  @Test
  void apply_whiteoutThroughSymlink_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().symlink("s", sentinel.toString()).add(RawTar.file("s/.wh.a.txt")).end();
    assertContained(CorruptException.class, tar, "s/.wh.a.txt");
  }

  @Test
  void apply_opaqueThroughSymlink_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().symlink("s", sentinel.toString()).add(RawTar.file("s/.wh..wh..opq")).end();
    assertContained(CorruptException.class, tar, "s/.wh..wh..opq");
  }

  @Test
  void apply_entryBelowWhiteoutName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file(".wh.dir/file", "x").end();
    assertContained(CorruptException.class, tar, ".wh.dir/file");
  }


  @Test
  void apply_rootEntryAsFile_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().file(".", "x").end();
    assertContained(CorruptException.class, tar, "'.'");
    assertTrue(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void apply_rootEntryAsSymlink_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().symlink(".", outside.toString()).end();
    assertContained(CorruptException.class, tar, "'.'");
    assertTrue(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void apply_whiteoutOfEverythingUpToRoot_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("a/../.wh..")).end();
    assertContained(CorruptException.class, tar, "a/../.wh..");
  }

  @Test
  void apply_charDeviceWithDevicesOff_throwsUnsupported() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("dev/null").type('3').dev(1, 3)).end();
    assertContained(UnsupportedException.class, tar, "dev/null", ApplyOptions.unprivileged());
    assertFalse(Files.exists(target.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void apply_blockDeviceWithDevicesOff_throwsUnsupported() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("dev/sda").type('4').dev(8, 0)).end();
    assertContained(UnsupportedException.class, tar, "dev/sda", ApplyOptions.unprivileged());
  }
}
