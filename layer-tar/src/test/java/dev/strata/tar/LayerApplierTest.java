package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.ApplyResult;
import dev.strata.files.FileTrees;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Xattrs;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.RawTar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerApplierTest {

  @TempDir Path root;

  private final FileNodes nodes = new FileNodes();

  private ApplyResult apply(byte[] tar) throws IOException {
    return apply(tar, nodes.isRoot() ? ApplyOptions.privileged() : ApplyOptions.unprivileged());
  }

  private ApplyResult apply(byte[] tar, ApplyOptions options) throws IOException {
    return new LayerApplier(options, new DeletingWhiteouts()).apply(new ByteArrayInputStream(tar), root);
  }

  /** Every path below {@code dir} with a letter for its type: d, f, l (symlink) or o (other). */
  static Map<String, String> tree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir)).collect(Collectors.toMap(
          p -> dir.relativize(p).toString(),
          p -> Files.isSymbolicLink(p) ? "l" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "d"
              : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "f" : "o",
          (a, b) -> a, TreeMap::new));
    }
  }

  static Object unix(Path p, String attr) throws IOException {
    return Files.getAttribute(p, "unix:" + attr, LinkOption.NOFOLLOW_LINKS);
  }

  private static FileTime time(long seconds, int nanos) {
    return FileTime.from(Instant.ofEpochSecond(seconds, nanos));
  }

  @Test
  void apply_everyEntryType_createsExactTree() throws IOException {
    assumeTrue(nodes.isRoot(), "device nodes need root");
    byte[] tar = new LayerTarBuilder().dir("etc", 0755).file("etc/hosts", "127.0.0.1 localhost\n", 0644)
        .file("empty", "", 0644).symlink("etc/link", "hosts").symlink("dangling", "/does/not/exist/")
        .hardlink("etc/hard", "etc/hosts").dir("dev", 0755).fifo("dev/fifo", 0644)
        .charDevice("dev/null", 0644, 1, 3).blockDevice("dev/loop7", 0644, 7, 7).build();

    ApplyResult r = apply(tar);

    assertEquals(Map.of("etc", "d", "etc/hosts", "f", "empty", "f", "etc/link", "l", "dangling", "l",
        "etc/hard", "f", "dev", "d", "dev/fifo", "o", "dev/null", "o", "dev/loop7", "o"), tree(root));
    assertEquals("127.0.0.1 localhost\n", Files.readString(root.resolve("etc/hard")));
    assertEquals(unix(root.resolve("etc/hosts"), "ino"), unix(root.resolve("etc/hard"), "ino"));
    assertEquals(2, unix(root.resolve("etc/hosts"), "nlink"));
    assertEquals("hosts", Files.readSymbolicLink(root.resolve("etc/link")).toString());
    assertEquals("/does/not/exist/", Files.readSymbolicLink(root.resolve("dangling")).toString(),
        "symlink targets are stored verbatim, trailing slash included");
    assertEquals(FileNodes.S_IFIFO, (int) unix(root.resolve("dev/fifo"), "mode") & 0170000);
    long rdev = (long) unix(root.resolve("dev/null"), "rdev");
    assertEquals(FileNodes.S_IFCHR, (int) unix(root.resolve("dev/null"), "mode") & 0170000);
    assertEquals(List.of(1, 3), List.of(FileNodes.major(rdev), FileNodes.minor(rdev)));
    long brdev = (long) unix(root.resolve("dev/loop7"), "rdev");
    assertEquals(FileNodes.S_IFBLK, (int) unix(root.resolve("dev/loop7"), "mode") & 0170000);
    assertEquals(List.of(7, 7), List.of(FileNodes.major(brdev), FileNodes.minor(brdev)));
    assertEquals(20, r.size(), "regular-file bytes; the hardlink counts nothing");
    assertEquals(10, r.entries());
  }

  @Test
  void apply_unprivileged_createsFifoButNoOwnership() throws IOException {
    byte[] tar = new LayerTarBuilder().fifo("fifo", 0644).file("owned", "x", 0644).owner(1, 2).build();

    apply(tar, ApplyOptions.unprivileged());

    assertEquals(FileNodes.S_IFIFO, (int) unix(root.resolve("fifo"), "mode") & 0170000);
    assertEquals(unix(root, "uid"), unix(root.resolve("owned"), "uid"), "no chown without restoreOwnership");
  }

  @Test
  void apply_asRoot_restoresOwnerModeAndNanosecondTimes() throws IOException {
    assumeTrue(nodes.isRoot(), "chown needs root");
    // Raw PAX records: commons-compress's writer keeps only 100 ns of a FileTime.
    RawTar.Header dir = new RawTar.Header("tmp/").type('5').mode(03777).owner(1, 2);
    RawTar.Header suid = new RawTar.Header("tmp/suid").mode(04755).owner(1, 2);
    RawTar.Header link = new RawTar.Header("tmp/link").type('2').link("suid").mode(0777).owner(1, 2);
    byte[] tar = new RawTar()
        .pax("mtime", "1500000000.123456789").add(dir)
        .pax("mtime", "1400000000.987654321").pax("atime", "1700000000.000000005")
        .add(suid, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8))
        .pax("mtime", "1300000000.000000001").add(link)
        .end();

    apply(tar, ApplyOptions.privileged());

    Path d = root.resolve("tmp");
    Path f = root.resolve("tmp/suid");
    Path l = root.resolve("tmp/link");
    assertEquals(03777, (int) unix(d, "mode") & 07777, "sticky and setgid on the directory");
    assertEquals(04755, (int) unix(f, "mode") & 07777, "setuid survives the chown before it");
    for (Path p : List.of(d, f, l)) {
      assertEquals(1, unix(p, "uid"), p.toString());
      assertEquals(2, unix(p, "gid"), p.toString());
    }
    assertEquals(time(1_500_000_000L, 123_456_789), unix(d, "lastModifiedTime"), "dir mtime set after its children");
    assertEquals(time(1_400_000_000L, 987_654_321), unix(f, "lastModifiedTime"));
    assertEquals(time(1_700_000_000L, 5), unix(f, "lastAccessTime"));
    assertEquals(time(1_300_000_000L, 1), unix(l, "lastModifiedTime"), "the symlink's own mtime");
  }

  @Test
  void apply_xattrs_restoresBinaryValuesInEveryNamespace() throws IOException {
    assumeTrue(nodes.isRoot(), "trusted.* and security.* need root");
    // vfs_cap_data v2: magic|effective, permitted = CAP_SETUID (bit 7, byte 0x80: not UTF-8 on its own)
    byte[] cap = {0x01, 0x00, 0x00, 0x02, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] binary = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0x80, '\n', '='};
    byte[] tar = new RawTar()
        .pax("SCHILY.xattr.security.capability", cap).pax("SCHILY.xattr.user.bin", binary)
        .raw(new byte[0])
        .add(RawTar.file("bin/ping").mode(0755), "ELF".getBytes(StandardCharsets.UTF_8))
        .pax("SCHILY.xattr.trusted.overlay.opaque", "y").pax("SCHILY.xattr.user.note", "héllo")
        .dir("dir/")
        .pax("SCHILY.xattr.trusted.link", new byte[] {0, 1, 2})
        .symlink("link", "bin/ping")
        .end();

    apply(tar, ApplyOptions.privileged());

    Xattrs x = new Xattrs();
    assertArrayEquals(cap, x.get(root.resolve("bin/ping"), "security.capability").orElseThrow());
    assertArrayEquals(binary, x.get(root.resolve("bin/ping"), "user.bin").orElseThrow());
    assertArrayEquals("y".getBytes(StandardCharsets.UTF_8), x.get(root.resolve("dir"), "trusted.overlay.opaque").orElseThrow());
    assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), x.get(root.resolve("dir"), "user.note").orElseThrow());
    assertArrayEquals(new byte[] {0, 1, 2}, x.get(root.resolve("link"), "trusted.link").orElseThrow());
  }

  @Test
  void apply_xattrsWrittenByCommonsCompress_areRestored() throws IOException {
    apply(new LayerTarBuilder().file("f", new byte[] {1}, 0644).xattr("user.mime_type", "text/plain").build());
    assertArrayEquals("text/plain".getBytes(StandardCharsets.UTF_8),
        new Xattrs().get(root.resolve("f"), "user.mime_type").orElseThrow());
  }

  @Test
  void apply_longNames_createsThemInPaxAndGnuForms() throws IOException {
    String deep = "a".repeat(60) + "/" + "b".repeat(60) + "/" + "c".repeat(60) + ".txt";
    String max = "x".repeat(255);
    String utf = "données/日本語/😀-" + "é".repeat(100); // 100 two-byte chars: a 200+ byte component
    String longTarget = "t/".repeat(80) + "end";
    for (boolean gnu : new boolean[] {false, true}) {
      Path dir = Files.createDirectory(root.resolve(gnu ? "gnu" : "pax"));
      LayerTarBuilder builder = new LayerTarBuilder().file(deep, "deep", 0644).file(max, "max", 0644)
          .file(utf, "utf", 0644).symlink("longlink", longTarget).hardlink("hard-" + "h".repeat(120), deep);
      byte[] tar = (gnu ? builder.gnuLongNames() : builder).build();

      new LayerApplier(ApplyOptions.unprivileged(), new DeletingWhiteouts()).apply(new ByteArrayInputStream(tar), dir);

      assertEquals("deep", Files.readString(dir.resolve(deep)));
      assertEquals("max", Files.readString(dir.resolve(max)));
      assertEquals("utf", Files.readString(dir.resolve(utf)));
      assertEquals(longTarget, Files.readSymbolicLink(dir.resolve("longlink")).toString());
      assertEquals("deep", Files.readString(dir.resolve("hard-" + "h".repeat(120))));
    }
  }

  @Test
  void apply_sparseContent_leavesHolesAndExactLength() throws Exception {
    int mib = 1 << 20;
    byte[] content = new byte[64 * mib];
    content[0] = 1;
    content[32 * mib + 5] = 2;
    byte[] tail = "tail".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(tail, 0, content, 48 * mib, tail.length);
    byte[] trailingHole = new byte[10 * mib + 77];
    trailingHole[100] = 9;
    byte[] tar = new LayerTarBuilder().file("sparse", content, 0644).file("endsInHole", trailingHole, 0644).build();

    ApplyResult r = apply(tar);

    Path sparse = root.resolve("sparse");
    assertEquals(64L * mib, Files.size(sparse));
    assertArrayEquals(content, Files.readAllBytes(sparse));
    assertTrue(allocatedBytes(sparse) <= 64 * 1024, "3 data blocks, not 64 MiB: " + allocatedBytes(sparse));
    Path hole = root.resolve("endsInHole");
    assertEquals(trailingHole.length, Files.size(hole));
    assertArrayEquals(trailingHole, Files.readAllBytes(hole));
    assertTrue(allocatedBytes(hole) <= 64 * 1024, "allocated " + allocatedBytes(hole));
    assertEquals(content.length + trailingHole.length, r.size());
  }

  /** st_blocks * 512, which Java does not expose. */
  static long allocatedBytes(Path p) throws Exception {
    Process proc = new ProcessBuilder("stat", "-c", "%b %B", p.toString()).start();
    String[] out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
    assertEquals(0, proc.waitFor());
    return Long.parseLong(out[0]) * Long.parseLong(out[1]);
  }

  @Test
  void apply_whiteoutsAndOpaque_deleteLowerContentButKeepThisLayers() throws IOException {
    Files.createDirectories(root.resolve("gone/deep/er"));
    Files.writeString(root.resolve("gone/deep/er/f"), "old");
    Files.writeString(root.resolve("file-gone"), "old");
    Files.createDirectories(root.resolve("opq/olddir/sub"));
    Files.writeString(root.resolve("opq/old"), "old");
    Files.createDirectories(root.resolve("opq/merged"));
    Files.writeString(root.resolve("opq/merged/lower"), "old");
    Files.createDirectories(root.resolve("kept"));
    Files.writeString(root.resolve("kept/lower"), "old");
    Files.createSymbolicLink(root.resolve("link-gone"), root.resolve("kept"));
    byte[] tar = new LayerTarBuilder()
        .whiteout("gone").whiteout("file-gone").whiteout("link-gone").whiteout("never-existed")
        .dir("opq", 0755).file("opq/new-before", "new", 0644)
        .dir("opq/merged", 0755).file("opq/merged/upper", "new", 0644)
        .opaque("opq").file("opq/new-after", "new", 0644)
        .dir("kept", 0755).file("kept/upper", "new", 0644)
        .file(".wh..wh.plnk", "", 0644).dir(".wh..wh.aufs", 0755).file(".wh..wh.aufs/x", "", 0644)
        .build();

    ApplyResult r = apply(tar);

    assertEquals(Map.of("opq", "d", "opq/new-before", "f", "opq/new-after", "f", "opq/merged", "d",
        "opq/merged/upper", "f", "kept", "d", "kept/lower", "f", "kept/upper", "f"), tree(root));
    assertTrue(Files.isDirectory(root.resolve("kept")), "the symlink's target was not followed");
    assertEquals(15, r.entries());
  }

  @Test
  void apply_entryReplacingExistingPaths_replacesExceptDirectoryOverDirectory() throws IOException {
    Files.createDirectories(root.resolve("dir-to-file/sub"));
    Files.writeString(root.resolve("dir-to-file/sub/x"), "old");
    Files.writeString(root.resolve("file-to-dir"), "old");
    Files.writeString(root.resolve("file-to-link"), "old");
    Files.createDirectories(root.resolve("merge"));
    Files.writeString(root.resolve("merge/lower"), "old");
    Path outside = Files.createTempDirectory("strata-outside");
    try {
      Files.createSymbolicLink(root.resolve("link-to-file"), outside.resolve("victim"));
      Files.writeString(outside.resolve("victim"), "outside");
      byte[] tar = new LayerTarBuilder().file("dir-to-file", "now a file", 0644).dir("file-to-dir", 0755)
          .symlink("file-to-link", "x").file("link-to-file", "replaced the link", 0644).dir("merge", 0755)
          .file("merge/upper", "new", 0644).build();

      apply(tar);

      assertEquals(Map.of("dir-to-file", "f", "file-to-dir", "d", "file-to-link", "l", "link-to-file", "f",
          "merge", "d", "merge/lower", "f", "merge/upper", "f"), tree(root));
      assertEquals("outside", Files.readString(outside.resolve("victim")), "the old symlink was never followed");
    } finally {
      FileTrees.delete(outside);
    }
  }

  @Test
  void apply_rootEntry_setsRootMetadataAndKeepsRoot() throws IOException {
    byte[] tar = new RawTar().pax("mtime", "1000000000.000000042")
        .add(new RawTar.Header("./").type('5').mode(0750)).file("f", "x").end();
    apply(tar);
    assertEquals(0750, (int) unix(root, "mode") & 07777);
    assertEquals(time(1_000_000_000L, 42), unix(root, "lastModifiedTime"));
    assertEquals(Map.of("f", "f"), tree(root));
  }

  @Test
  void apply_readOnlyDirectoryUnprivileged_stillReceivesChildrenThenGetsItsMode() throws IOException {
    apply(new LayerTarBuilder().dir("ro", 0555).file("ro/child", "x", 0644).build(), ApplyOptions.unprivileged());
    assertEquals(0555, (int) unix(root.resolve("ro"), "mode") & 07777);
    assertEquals("x", Files.readString(root.resolve("ro/child")));
  }

  @Test
  void apply_missingParents_areCreated0755() throws IOException {
    apply(new LayerTarBuilder().file("a/b/c/file", "x", 0644).build());
    assertEquals(0755, (int) unix(root.resolve("a/b"), "mode") & 07777);
    assertEquals("x", Files.readString(root.resolve("a/b/c/file")));
  }

  @Test
  void apply_dotDotThatStaysInside_isCleaned() throws IOException {
    apply(new RawTar().file("a/../b", "x").file("./c/./d", "y").end());
    assertEquals(Map.of("b", "f", "c", "d", "c/d", "f"), tree(root));
  }

  @Test
  void apply_gnuVolumeLabel_isSkipped() throws IOException {
    ApplyResult r = apply(new RawTar().add(RawTar.file("backup-2024").type('V')).file("f", "x").end());
    assertEquals(Map.of("f", "f"), tree(root));
    assertEquals(2, r.entries());
  }

  @Test
  void apply_missingRoot_throwsNotFound() {
    Path missing = root.resolve("missing");
    assertEquals(dev.strata.driver.error.NotFoundException.class, org.junit.jupiter.api.Assertions.assertThrows(
        IOException.class, () -> new LayerApplier(ApplyOptions.unprivileged(), new DeletingWhiteouts())
            .apply(new ByteArrayInputStream(new byte[1024]), missing)).getClass());
  }

  @Test
  void apply_hardlinkOverExistingFile_replacesIt() throws IOException {
    Files.writeString(root.resolve("old"), "old");
    apply(new LayerTarBuilder().file("target", "t", 0644).hardlink("old", "target").build());
    assertEquals("t", Files.readString(root.resolve("old")));
    assertEquals(unix(root.resolve("target"), "ino"), unix(root.resolve("old"), "ino"));
    assertFalse(Files.exists(root.resolve(".wh.old")));
    assertEquals(Set.of("old", "target"), tree(root).keySet());
  }
}
