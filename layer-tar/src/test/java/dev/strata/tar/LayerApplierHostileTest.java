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
import dev.strata.testing.SurroundingsSnapshot;
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
 * A corpus of broken and hostile layer tars (58 tests, 60 tars; with the image archives of {@code
 * BadArchiveLoadTest} in layer-store the hostile corpus is 92 inputs). Categories: malformed headers
 * and truncation, huge and negative sizes, PAX headers with huge sizes or bogus paths, {@code ..}
 * and absolute names, symlink-then-write-through, hard links to outside, to a symlink and to a
 * whiteout, whiteouts naming {@code ..}, {@code .} or the root, device nodes, sparse maps that lie,
 * and a gzip bomb.
 *
 * <p>A corpus of broken and hostile layer tars. Each must fail with the exact exception type, a
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


  @Test
  void apply_paxSizeOfHundredTerabytes_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("size", "99999999999999").file("paxhuge", "x").end();
    assertContained(CorruptException.class, tar, "paxhuge");
  }

  @Test
  void apply_paxPathClimbingTwiceOverBenignUstarName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("path", "../../x").file("benign.txt", "x").end();
    assertContained(CorruptException.class, tar, "../../x");
  }

  @Test
  void apply_paxPathAbsoluteClimbing_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("path", "/../../sentinel/a.txt").file("benign.txt", "x").end();
    assertContained(CorruptException.class, tar, "../../sentinel/a.txt");
  }

  @Test
  void apply_paxLinkpathEscapingForHardlink_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().pax("linkpath", "../passwd").hardlink("pw", "benign").end();
    assertContained(CorruptException.class, tar, "pw");
  }

  @Test
  void apply_hardlinkToOpaqueWhiteoutName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().dir("d/").add(RawTar.file("d/.wh..wh..opq")).hardlink("h", "d/.wh..wh..opq").end();
    assertContained(CorruptException.class, tar, "h");
  }

  @Test
  void apply_whiteoutOfRootByAbsoluteName_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file("/.wh..")).end();
    assertContained(CorruptException.class, tar, "/.wh..");
    assertTrue(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void apply_whiteoutOfDotDotAtTopLevel_throwsCorrupt() throws IOException {
    byte[] tar = new RawTar().add(RawTar.file(".wh...")).end();
    assertContained(CorruptException.class, tar, ".wh...");
    assertTrue(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void apply_deviceNodesAsRoot_areCreatedInsideTheTargetOnly() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(new FileNodes().isRoot(), "mknod needs root");
    Map<String, String> before = outsideTarget();
    byte[] tar = new RawTar().add(RawTar.file("../dev-escape").type('3').dev(1, 3)).end();
    assertContained(CorruptException.class, tar, "../dev-escape", ApplyOptions.privileged());
    apply(new RawTar().add(RawTar.file("dev/null").type('3').dev(1, 3))
        .add(RawTar.file("dev/sda").type('4').dev(8, 0)).end(), ApplyOptions.privileged());
    assertEquals("character", kind(target.resolve("dev/null")));
    assertEquals("block", kind(target.resolve("dev/sda")));
    assertEquals(before, outsideTarget());
  }

  private static String kind(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return switch (mode & 0170000) {
      case 0020000 -> "character";
      case 0060000 -> "block";
      default -> Integer.toOctalString(mode);
    };
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
    assertContained(CorruptException.class, tar, "liar");
    assertFalse(Files.exists(target.resolve("liar")) && Files.size(target.resolve("liar")) == 1 << 20);
  }

  @Test
  void apply_sparseMapOverlapping_throwsCorrupt() throws IOException {
    byte[] data = new byte[1024];
    Arrays.fill(data, (byte) 'x');
    byte[] tar = sparse10("overlap", 4096, new long[] {0, 512, 256, 512}, data, -1);
    assertContained(CorruptException.class, tar, "overlap");
  }

  @Test
  void apply_sparseMapBeyondRealSize_throwsCorrupt() throws IOException {
    byte[] data = new byte[512];
    Arrays.fill(data, (byte) 'y');
    byte[] tar = sparse10("beyond", 100, new long[] {1 << 20, 512}, data, -1);
    assertContained(CorruptException.class, tar, "beyond");
  }

  @Test
  void apply_sparseMapWithBillionsOfEntries_throwsCorruptWithoutAllocatingThem() throws IOException {
    byte[] tar = sparse10("many", 4096, new long[0], new byte[0], -1);
    String head = new String(tar, StandardCharsets.ISO_8859_1);
    int at = head.indexOf("0\n", head.indexOf("GNUSparseFile.0/many") + 512);
    byte[] count = bytes("9999999999\n");
    System.arraycopy(count, 0, tar, at, count.length);
    assertContained(CorruptException.class, tar, "many");
  }

  @Test
  void apply_sparse01MapOverlapping_throwsCorrupt() throws IOException {
    byte[] data = new byte[1024];
    Arrays.fill(data, (byte) 'z');
    byte[] tar = new RawTar().paxAll("GNU.sparse.major", "0", "GNU.sparse.minor", "1", "GNU.sparse.name", "old",
        "GNU.sparse.realsize", "4096", "GNU.sparse.numblocks", "2", "GNU.sparse.map", "0,512,256,512")
        .add(RawTar.file("GNUSparseFile.0/old"), data).end();
    assertContained(CorruptException.class, tar, "old");
  }


  /**
   * A gzip bomb: 1 MiB of concatenated gzip members expanding to a 1 GiB member of zeros. It is
   * contained rather than refused, since a sparse 1 GiB file is a legal layer: memory stays flat
   * (one buffer, whatever the stream) and the zeros become a hole, so the disk takes almost nothing.
   * A bomb of non-zero bytes is bounded by the filesystem instead: ENOSPC, tested in layer-store.
   */
  @Test
  void apply_gzipBombOfZeros_streamsInFlatMemoryAndStaysSparse() throws IOException {
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

  @Test
  void apply_gzipBombLargerThanItsHeaderSays_throwsCorrupt() throws IOException {
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    byte[] content = new byte[8 << 20];
    Arrays.fill(content, (byte) 'A');
    // A header claiming 1 KiB, then 8 MiB of 'A': the excess reads as a garbage header.
    bomb.writeBytes(gzip(new RawTar.Header("small-claim").size(1024).bytes(), 1));
    bomb.writeBytes(gzip(content, 1));
    byte[] tar = bomb.toByteArray();
    assertContained(CorruptException.class, tar, "small-claim");
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
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
}
