package dev.strata.tar;

import static dev.strata.tar.LayerDifferChangesTest.NS;
import static dev.strata.tar.LayerDifferChangesTest.T;
import static dev.strata.tar.LayerDifferChangesTest.baseTree;
import static dev.strata.tar.DiffFixtures.copy;
import static dev.strata.tar.DiffFixtures.diff;
import static dev.strata.tar.DiffFixtures.entries;
import static dev.strata.tar.DiffFixtures.listing;
import static dev.strata.tar.DiffFixtures.mtime;
import static dev.strata.tar.DiffFixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.posix.FileNodes;
import dev.strata.posix.Xattrs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerDifferTarTest {

  @TempDir Path tmp;

  private final LayerDiffer differ = new LayerDiffer();

  /**
   * From the base tree: add etc/motd, delete etc/passwd, empty usr/lib and add c.so (opaque), add
   * usr/bin/bash as a second link of the unchanged sh, add x and its hardlink y, retarget link,
   * replace the tmp directory by a file.
   */
  static Path mixedUpper(Path lower, Path upper) throws Exception {
    copy(lower, upper);
    write(upper.resolve("etc/motd"), "hi");
    Files.delete(upper.resolve("etc/passwd"));
    Files.delete(upper.resolve("usr/lib/a.so"));
    Files.delete(upper.resolve("usr/lib/b.so"));
    write(upper.resolve("usr/lib/c.so"), "cccc");
    Files.createLink(upper.resolve("usr/bin/bash"), upper.resolve("usr/bin/sh"));
    write(upper.resolve("usr/bin/x"), "xxx");
    Files.createLink(upper.resolve("usr/bin/y"), upper.resolve("usr/bin/x"));
    Files.delete(upper.resolve("link"));
    Files.createSymbolicLink(upper.resolve("link"), Path.of("etc/motd"));
    Files.delete(upper.resolve("tmp"));
    write(upper.resolve("tmp"), "not a dir");
    return upper;
  }

  @Test
  void writeDiff_mixedChanges_writesEntriesInTarOrder() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = mixedUpper(lower, tmp.resolve("upper"));
    assertEquals(List.of(
        "d etc/",
        "f etc/.wh.passwd",
        "f etc/motd",
        "s link -> etc/motd",
        "f tmp",
        "d usr/",
        "d usr/bin/",
        "f usr/bin/bash",
        "f usr/bin/x",
        "l usr/bin/y -> usr/bin/x",
        "d usr/lib/",
        "f usr/lib/.wh..wh..opq",
        "f usr/lib/c.so"), listing(diff(Optional.of(lower), upper)));
  }

  @Test
  void writeDiff_mixedChanges_returnsContentBytesEqualToSizesAndDiffSize() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = mixedUpper(lower, tmp.resolve("upper"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long written = differ.writeDiff(Optional.of(lower), upper, out);
    long sizes = entries(out.toByteArray()).stream().filter(TarArchiveEntry::isFile)
        .mapToLong(TarArchiveEntry::getSize).sum();
    // motd 2 + tmp 9 + bash 2 + x 3 + c.so 4; the hardlink y carries nothing.
    assertEquals(20, written);
    assertEquals(written, sizes);
    assertEquals(written, differ.diffSize(Optional.of(lower), upper));
  }

  @Test
  void writeDiff_sameTreesTwice_isByteIdentical() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = mixedUpper(lower, tmp.resolve("upper"));
    byte[] first = diff(Optional.of(lower), upper);
    byte[] second = diff(Optional.of(lower), upper);
    assertArrayEquals(first, second);
    assertEquals(0, first.length % 512);
  }

  @Test
  void writeDiff_entryContentAndMetadata_matchTheUpper() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("etc/motd"), "hello");
    new FileNodes().chmod(upper.resolve("etc/motd"), 04751);
    mtime(upper.resolve("etc/motd"), T + 7, 5);
    byte[] tar = diff(Optional.of(lower), upper);
    TarArchiveEntry motd = entries(tar).get(1);
    assertEquals("etc/motd", motd.getName());
    assertEquals(04751, motd.getMode() & 07777);
    assertEquals(5, motd.getSize());
    assertEquals(Instant.ofEpochSecond(T + 7, 5), motd.getLastModifiedTime().toInstant());
    assertEquals("", motd.getUserName());
    assertEquals("", motd.getGroupName());
    assertEquals("1600000007.000000005", new String(
        DiffFixtures.paxRecords(tar).get("etc/motd").get("mtime"), StandardCharsets.US_ASCII));
    // etc/ (PAX header, records, header), then motd's (PAX header, records, header), then content.
    String body = new String(tar, 6 * 512, 5, StandardCharsets.US_ASCII);
    assertEquals("hello", body);
  }

  @Test
  void writeDiff_ancestorDirectory_carriesItsNanosecondMtime() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("usr/lib/new"), "n");
    mtime(upper.resolve("usr/lib"), T + 3, 999_999_999);
    byte[] tar = diff(Optional.of(lower), upper);
    Map<String, Map<String, byte[]>> pax = DiffFixtures.paxRecords(tar);
    assertEquals(List.of("usr/", "usr/lib/", "usr/lib/new"), List.copyOf(pax.keySet()));
    assertEquals("1600000000.123456789", new String(pax.get("usr/").get("mtime"), StandardCharsets.US_ASCII));
    assertEquals("1600000003.999999999", new String(pax.get("usr/lib/").get("mtime"), StandardCharsets.US_ASCII));
  }

  @Test
  void writeDiff_wholeSecondMtime_writesNoPaxHeader() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("b"), "b");
    mtime(upper.resolve("b"), T, 0);
    byte[] tar = diff(Optional.of(lower), upper);
    assertEquals(Map.of("b", Map.of()), DiffFixtures.paxRecords(tar));
    assertEquals(2 * 512, tar.length - 2 * 512, "one header and one content block");
  }

  @Test
  void writeDiff_whiteout_isEmptyFileWithZeroMetadata() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    DiffFixtures.run(upper, "rm", "-rf", "usr");
    List<TarArchiveEntry> entries = entries(diff(Optional.of(lower), upper));
    assertEquals(1, entries.size());
    TarArchiveEntry wh = entries.get(0);
    assertEquals(".wh.usr", wh.getName());
    assertEquals(List.of(true, 0L, 0, 0L, 0L, 0L), List.of(wh.isFile(), wh.getSize(), wh.getMode(),
        wh.getLongUserId(), wh.getLongGroupId(), wh.getLastModifiedTime().toMillis()));
  }

  @Test
  void writeDiff_directoryEmptied_writesOpaqueMarkerInsteadOfWhiteouts() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    Files.delete(upper.resolve("usr/bin/sh"));
    assertEquals(List.of("d usr/", "d usr/bin/", "f usr/bin/.wh..wh..opq"),
        listing(diff(Optional.of(lower), upper)));
  }

  @Test
  void writeDiff_directoryKeepingOneOldChild_writesWhiteoutsNotOpaque() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    Files.delete(upper.resolve("usr/lib/a.so"));
    write(upper.resolve("usr/lib/z.so"), "z");
    assertEquals(List.of("d usr/", "d usr/lib/", "f usr/lib/.wh.a.so", "f usr/lib/z.so"),
        listing(diff(Optional.of(lower), upper)));
  }

  @Test
  void writeDiff_emptyDirectoryStaysEmpty_writesNothing() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    assertEquals(List.of(), listing(diff(Optional.of(lower), upper)));
    assertEquals(1024, diff(Optional.of(lower), upper).length);
  }

  @Test
  void writeDiff_fileReplacedByDirectory_writesDirectoryAndEveryChild() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    Files.delete(upper.resolve("etc/hosts"));
    write(upper.resolve("etc/hosts/b/c"), "c");
    write(upper.resolve("etc/hosts/a"), "a");
    assertEquals(List.of("d etc/", "d etc/hosts/", "f etc/hosts/a", "d etc/hosts/b/", "f etc/hosts/b/c"),
        listing(diff(Optional.of(lower), upper)));
  }

  @Test
  void writeDiff_baseLayer_writesEveryEntryDepthFirst() throws Exception {
    Path upper = baseTree(tmp.resolve("base"));
    write(upper.resolve("etc.d"), "byte order puts '.' before '/' but the walk is depth first");
    assertEquals(List.of("d etc/", "f etc/hosts", "f etc/passwd", "f etc.d", "s link -> etc/hosts",
        "d tmp/", "d usr/", "d usr/bin/", "f usr/bin/sh", "d usr/lib/", "f usr/lib/a.so",
        "f usr/lib/b.so"), listing(diff(Optional.empty(), upper)));
  }

  @Test
  void writeDiff_hardlinkPairAdded_secondPathLinksToFirst() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("opt/b"), "same inode");
    Files.createLink(upper.resolve("opt/a"), upper.resolve("opt/b"));
    Files.createLink(upper.resolve("etc/c"), upper.resolve("opt/b"));
    byte[] tar = diff(Optional.of(lower), upper);
    assertEquals(List.of("d etc/", "f etc/c", "d opt/", "l opt/a -> etc/c", "l opt/b -> etc/c"),
        listing(tar));
    assertEquals(10, differ.writeDiff(Optional.of(lower), upper, ByteArrayOutputStream.nullOutputStream()));
    assertEquals(10, differ.diffSize(Optional.of(lower), upper));
  }

  @Test
  void writeDiff_binaryXattrs_writesSchilyRecordsByteExact() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    byte[] binary = {0, 1, (byte) 0xff, (byte) 0xfe, '\n', '=', ' ', (byte) 0xc3};
    Xattrs xattrs = new Xattrs();
    xattrs.set(upper.resolve("usr/bin/sh"), "user.bin", binary);
    xattrs.set(upper.resolve("usr/bin/sh"), "user.text", "v".getBytes(StandardCharsets.UTF_8));
    xattrs.set(upper.resolve("usr/bin"), "user.dir", new byte[0]);
    byte[] tar = diff(Optional.of(lower), upper);
    Map<String, Map<String, byte[]>> pax = DiffFixtures.paxRecords(tar);
    assertEquals(List.of("SCHILY.xattr.user.bin", "SCHILY.xattr.user.text", "mtime"),
        List.copyOf(pax.get("usr/bin/sh").keySet()));
    assertArrayEquals(binary, pax.get("usr/bin/sh").get("SCHILY.xattr.user.bin"));
    assertArrayEquals(new byte[0], pax.get("usr/bin/").get("SCHILY.xattr.user.dir"));
    TarArchiveEntry sh = entries(tar).stream().filter(e -> e.getName().equals("usr/bin/sh")).findFirst().orElseThrow();
    assertEquals("v", sh.getExtraPaxHeader("SCHILY.xattr.user.text"));
  }

  @Test
  void writeDiff_securityCapability_writesBinaryValueByteExact() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "security.* xattrs need root");
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    // VFS_CAP_REVISION_2, cap_net_bind_service permitted: what setcap cap_net_bind_service+ep writes.
    byte[] cap = {0, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    cap[0] = 1;
    new Xattrs().set(upper.resolve("usr/bin/sh"), "security.capability", cap);
    assertEquals(List.of("C /usr", "C /usr/bin", "C /usr/bin/sh"),
        DiffFixtures.lines(differ.changes(Optional.of(lower), upper)));
    Map<String, byte[]> records = DiffFixtures.paxRecords(diff(Optional.of(lower), upper)).get("usr/bin/sh");
    assertArrayEquals(cap, records.get("SCHILY.xattr.security.capability"));
  }

  @Test
  void writeDiff_longAndNonAsciiNames_writesPaxPathAndLinkpath() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    String longDir = "d".repeat(90);
    String longName = longDir + "/" + "f".repeat(60);
    write(upper.resolve(longName), "l");
    write(upper.resolve("été/ünï"), "u");
    String longTarget = "t".repeat(150);
    Files.createSymbolicLink(upper.resolve("s"), Path.of(longTarget));
    byte[] tar = diff(Optional.of(lower), upper);
    assertEquals(List.of("d " + longDir + "/", "f " + longName, "s s -> " + longTarget,
        "d été/", "f été/ünï"), listing(tar));
    Map<String, Map<String, byte[]>> pax = DiffFixtures.paxRecords(tar);
    assertArrayEquals(longName.getBytes(StandardCharsets.UTF_8), pax.get(longName).get("path"));
    assertArrayEquals(longTarget.getBytes(StandardCharsets.UTF_8), pax.get("s").get("linkpath"));
    assertArrayEquals("été/ünï".getBytes(StandardCharsets.UTF_8), pax.get("été/ünï").get("path"));
    assertFalse(pax.get("d".repeat(90) + "/").containsKey("path"), "91 ASCII bytes fit ustar");
  }

  @Test
  void writeDiff_idsBeyondUstar_writesPaxUidAndGid() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "lchown needs root");
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("big"), "b");
    new FileNodes().lchown(upper.resolve("big"), 3_000_000, 2_097_151);
    byte[] tar = diff(Optional.of(lower), upper);
    TarArchiveEntry big = entries(tar).get(0);
    assertEquals(3_000_000L, big.getLongUserId());
    assertEquals(2_097_151L, big.getLongGroupId());
    Map<String, byte[]> records = DiffFixtures.paxRecords(tar).get("big");
    assertEquals("3000000", new String(records.get("uid"), StandardCharsets.US_ASCII));
    assertFalse(records.containsKey("gid"), "2097151 still fits the octal field");
  }

  @Test
  void writeDiff_devicesAndFifo_writeTypesAndDeviceNumbers() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "mknod of a device needs root");
    Path upper = tmp.resolve("base");
    Files.createDirectories(upper.resolve("dev"));
    FileNodes nodes = new FileNodes();
    nodes.mknod(upper.resolve("dev/null"), FileNodes.S_IFCHR, 0666, 1, 3);
    nodes.mknod(upper.resolve("dev/loop0"), FileNodes.S_IFBLK, 0660, 7, 0);
    nodes.mknod(upper.resolve("dev/big"), FileNodes.S_IFCHR, 0600, 300, 70_000);
    nodes.mkfifo(upper.resolve("dev/fifo"), 0620);
    nodes.chmod(upper.resolve("dev/fifo"), 0620);
    List<TarArchiveEntry> entries = entries(diff(Optional.empty(), upper));
    assertEquals(List.of("d dev/", "c dev/big", "p dev/fifo", "b dev/loop0", "c dev/null"),
        listing(diff(Optional.empty(), upper)));
    assertEquals(List.of(300, 70_000), List.of(entries.get(1).getDevMajor(), entries.get(1).getDevMinor()));
    assertEquals(List.of(7, 0), List.of(entries.get(3).getDevMajor(), entries.get(3).getDevMinor()));
    assertEquals(List.of(1, 3), List.of(entries.get(4).getDevMajor(), entries.get(4).getDevMinor()));
    assertEquals(0620, entries.get(2).getMode() & 07777);
  }
}
