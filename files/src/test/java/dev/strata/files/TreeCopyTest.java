package dev.strata.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.posix.FileBlocks;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Timestamp;
import dev.strata.posix.Xattrs;
import dev.strata.testing.TreeSnapshot.Times;
import dev.strata.testing.TreeSnapshot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TreeCopyTest {

  private static final long SPARSE_SIZE = 64L * 1024 * 1024;

  @TempDir Path tmp;

  private final FileNodes nodes = new FileNodes();
  private final Xattrs xattrs = new Xattrs();
  private final FileBlocks blocks = new FileBlocks();

  private TreeCopy copier(CopyMethod method) {
    return TreeCopy.using(method);
  }

  // REFLINK is left to TreeCopyReflinkTest, on filesystems that reflink: here it would fall back to
  // copying without anyone noticing.
  @ParameterizedTest
  @EnumSource(value = CopyMethod.class, mode = EnumSource.Mode.EXCLUDE, names = "REFLINK")
  void copy_sparseFile_copiesOnlyData(CopyMethod method) throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    try (RandomAccessFile f = new RandomAccessFile(src.resolve("sparse").toFile(), "rw")) {
      f.seek(1024 * 1024);
      f.write("middle".getBytes());
      f.setLength(SPARSE_SIZE);
    }

    copier(method).copy(src, tmp.resolve("dst"));

    Path copy = tmp.resolve("dst/sparse");
    assertEquals(SPARSE_SIZE, Files.size(copy));
    assertTrue(blocks.allocatedBytes(copy) < 1024 * 1024, "allocated " + blocks.allocatedBytes(copy));
    assertEquals(Files.mismatch(src.resolve("sparse"), copy), -1L);
  }

  @ParameterizedTest
  @EnumSource(value = CopyMethod.class, mode = EnumSource.Mode.EXCLUDE, names = "REFLINK")
  void copy_denseFileAndEmptyFile_sameBytes(CopyMethod method) throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(3).nextBytes(data);
    Files.write(src.resolve("dense"), data);
    Files.createFile(src.resolve("empty"));

    copier(method).copy(src, tmp.resolve("dst"));

    assertArrayEquals(data, Files.readAllBytes(tmp.resolve("dst/dense")));
    assertEquals(0, Files.size(tmp.resolve("dst/empty")));
  }

  @Test
  void copy_hardlinks_stayHardlinks() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src/d"));
    Files.writeString(src.resolve("a"), "shared");
    Files.createLink(src.resolve("b"), src.resolve("a"));
    Files.createLink(tmp.resolve("src/c"), src.resolve("a"));

    copier(CopyMethod.COPY_FILE_RANGE).copy(tmp.resolve("src"), tmp.resolve("dst"));

    Path d = tmp.resolve("dst/d");
    assertTrue(Files.isSameFile(d.resolve("a"), d.resolve("b")));
    assertTrue(Files.isSameFile(d.resolve("a"), tmp.resolve("dst/c")));
    assertEquals(3, Files.getAttribute(d.resolve("a"), "unix:nlink"));
    assertTrue(!Files.isSameFile(d.resolve("a"), tmp.resolve("src/d/a")));
  }

  @Test
  void copy_xattrsOfEveryNamespace_copiedAsRawBytes() throws IOException {
    Assumptions.assumeTrue(nodes.isRoot(), "trusted.* and security.* xattrs need root");
    Path src = Files.createDirectory(tmp.resolve("src"));
    Path file = Files.writeString(src.resolve("bin"), "binary");
    byte[] binary = {0, 1, 2, (byte) 0xff, 0, 42};
    // VFS_CAP_REVISION_2 with cap_net_bind_service permitted: a real capability blob.
    byte[] capability = {0, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    xattrs.set(file, "user.binary", binary);
    xattrs.set(file, "trusted.overlay.opaque", "y".getBytes());
    xattrs.set(file, "security.capability", capability);
    xattrs.set(src, "user.on-dir", "dir".getBytes());

    copier(CopyMethod.COPY_FILE_RANGE).copy(src, tmp.resolve("dst"));

    Path copy = tmp.resolve("dst/bin");
    assertArrayEquals(binary, xattrs.get(copy, "user.binary").orElseThrow());
    assertArrayEquals("y".getBytes(), xattrs.get(copy, "trusted.overlay.opaque").orElseThrow());
    assertArrayEquals(capability, xattrs.get(copy, "security.capability").orElseThrow());
    assertArrayEquals("dir".getBytes(), xattrs.get(tmp.resolve("dst"), "user.on-dir").orElseThrow());
  }

  @Test
  void copy_everyFileKindWithOwnersModesAndNanosecondTimes_isExact() throws IOException {
    Assumptions.assumeTrue(nodes.isRoot(), "owners, devices and setuid on others' files need root");
    Path src = Files.createDirectory(tmp.resolve("src"));
    Path dir = Files.createDirectories(src.resolve("a/b"));
    Path suid = Files.writeString(dir.resolve("suid"), "x");
    nodes.lchown(suid, 1000, 1001);
    nodes.chmod(suid, 04755);
    nodes.chmod(src.resolve("a"), 01707);
    nodes.lchown(src.resolve("a"), 7, 8);
    nodes.mkfifo(src.resolve("fifo"), 0640);
    nodes.mknod(src.resolve("null"), FileNodes.S_IFCHR, 0666, 1, 3);
    nodes.mknod(src.resolve("loop"), FileNodes.S_IFBLK, 0660, 7, 3);
    Path link = Files.createSymbolicLink(src.resolve("link"), Path.of("a/b/suid"));
    nodes.lchown(link, 5, 6);
    Timestamp t = Timestamp.of(Instant.parse("2019-05-06T07:08:09.123456789Z"));
    for (Path p : new Path[] {suid, link, dir, src.resolve("a"), src.resolve("fifo"), src}) {
      nodes.setTimes(p, t, t);
    }

    copier(CopyMethod.READ_WRITE).copy(src, tmp.resolve("dst"));

    TreeSnapshot.ofCopy(tmp.resolve("dst")).assertMatches(TreeSnapshot.ofCopy(src), Times.EXACT);
    assertEquals(t.toInstant(), Files.getLastModifiedTime(tmp.resolve("dst/a/b"), LinkOption.NOFOLLOW_LINKS).toInstant());
  }

  @Test
  void detect_thisFilesystem_isAMethodThatWorksHere() throws IOException {
    CopyMethod method = CopyMethod.detect(tmp);

    String fs = Files.getFileStore(tmp).type();
    if (fs.equals("btrfs") || fs.equals("xfs")) {
      assertEquals(CopyMethod.REFLINK, method, fs);
    } else if (fs.startsWith("ext")) {
      assertEquals(CopyMethod.COPY_FILE_RANGE, method, fs);
    }
    try (var left = Files.list(tmp)) {
      assertEquals(0, left.count(), "probe files left behind");
    }
    assertEquals(method, TreeCopy.detect(tmp).method());
  }
}
