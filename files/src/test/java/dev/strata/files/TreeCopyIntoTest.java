package dev.strata.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import dev.strata.posix.PosixException;
import dev.strata.posix.RawNames;
import dev.strata.posix.Timestamp;
import dev.strata.posix.Xattrs;
import dev.strata.testing.ListedNames;
import dev.strata.testing.TreeSnapshot.Times;
import dev.strata.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TreeCopy#copyInto}: the volume "populate" operation. */
class TreeCopyIntoTest {

  private static final Timestamp T = Timestamp.of(Instant.parse("2021-02-03T04:05:06.987654321Z"));

  @TempDir Path tmp;

  private final FileNodes nodes = new FileNodes();
  private final Xattrs xattrs = new Xattrs();
  private final MountCalls mounts = new MountCalls();

  private TreeCopy copier() {
    return TreeCopy.using(CopyMethod.COPY_FILE_RANGE);
  }

  @Test
  void copyInto_emptySource_appliesRootOwnerModeTimesAndXattrs() throws IOException {
    Assumptions.assumeTrue(nodes.isRoot(), "giving a directory away and trusted.* xattrs need root");
    Path src = Files.createDirectory(tmp.resolve("src"));
    Path dst = Files.createDirectory(tmp.resolve("dst"));
    nodes.lchown(src, 1234, 5678);
    nodes.chmod(src, 01750);
    xattrs.set(src, "user.volume", new byte[] {0, 1, (byte) 0xfe});
    xattrs.set(src, "trusted.marker", "t".getBytes());
    nodes.setTimes(src, T, T);

    copier().copyInto(src, dst);

    Map<String, Object> a = Files.readAttributes(dst, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    assertEquals(01750, (Integer) a.get("mode") & 07777);
    assertEquals(1234, a.get("uid"));
    assertEquals(5678, a.get("gid"));
    assertArrayEquals(new byte[] {0, 1, (byte) 0xfe}, xattrs.get(dst, "user.volume").orElseThrow());
    assertArrayEquals("t".getBytes(), xattrs.get(dst, "trusted.marker").orElseThrow());
    assertEquals(T.toInstant(), Files.getLastModifiedTime(dst, LinkOption.NOFOLLOW_LINKS).toInstant());
    try (var children = Files.list(dst)) {
      assertEquals(0, children.count());
    }
  }

  @Test
  void copyInto_namesNotUtf8_copiedByteForByte() throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Path dst = Files.createDirectory(tmp.resolve("dst"));
    // \xff and \xfe alone would both decode to U+FFFD: two files that must stay two.
    for (String raw : List.of("\u00ff", "\u00fe", "caf\u00e9", "overlong-\u00c0\u00af")) {
      Path dir = Files.createDirectory(RawNames.resolve(src, "d-" + raw));
      Files.writeString(RawNames.resolve(dir, raw), raw.codePoints().mapToObj(Integer::toHexString).toList().toString());
      nodes.symlink("d-" + raw + "/" + raw, RawNames.resolve(src, "s-" + raw));
      Files.createLink(RawNames.resolve(src, "h-" + raw), RawNames.resolve(dir, raw));
    }

    copier().copyInto(src, dst);

    assertEquals(ListedNames.of(src), ListedNames.of(dst));
    assertEquals(16, ListedNames.of(dst).size(), "four names, each a directory, a file, a symlink and a hardlink");
    TreeSnapshot.of(dst).assertMatches(TreeSnapshot.of(src), Times.EXACT);
  }

  @Test
  void copyInto_hardlinksAcrossChildren_stayHardlinks() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src/d"));
    Path dst = Files.createDirectory(tmp.resolve("dst"));
    Files.writeString(src.resolve("a"), "shared");
    Files.createLink(tmp.resolve("src/top"), src.resolve("a"));

    copier().copyInto(tmp.resolve("src"), dst);

    assertTrue(Files.isSameFile(dst.resolve("d/a"), dst.resolve("top")));
    assertEquals(2, Files.getAttribute(dst.resolve("top"), "unix:nlink"));
    assertFalse(Files.isSameFile(dst.resolve("top"), tmp.resolve("src/top")));
  }

  @Test
  void copyInto_symlinkToDirectory_copiedAsLinkNotFollowed() throws IOException {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "not part of the tree");
    Path src = Files.createDirectory(tmp.resolve("src"));
    Files.createSymbolicLink(src.resolve("link"), outside);
    Path dst = Files.createDirectory(tmp.resolve("dst"));

    copier().copyInto(src, dst);

    assertTrue(Files.isSymbolicLink(dst.resolve("link")));
    assertEquals(outside, Files.readSymbolicLink(dst.resolve("link")));
    try (var children = Files.list(dst)) {
      assertEquals(1, children.count());
    }
  }

  @Test
  void copyInto_symlinkedSourceOrDestination_throwsNotDirectory() throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Path dst = Files.createDirectory(tmp.resolve("dst"));
    Path srcLink = Files.createSymbolicLink(tmp.resolve("src-link"), src);
    Path dstLink = Files.createSymbolicLink(tmp.resolve("dst-link"), dst);

    var e = assertThrows(NotDirectoryException.class, () -> copier().copyInto(srcLink, dst));
    assertEquals(srcLink.toString(), e.getFile());
    e = assertThrows(NotDirectoryException.class, () -> copier().copyInto(src, dstLink));
    assertEquals(dstLink.toString(), e.getFile());
    assertThrows(NotDirectoryException.class,
        () -> copier().copyInto(src, tmp.resolve("missing")));
  }

  @Test
  void copyInto_destinationHasSameName_throwsFileAlreadyExists() throws IOException {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Files.writeString(src.resolve("f"), "new");
    Path dst = Files.createDirectory(tmp.resolve("dst"));
    Files.writeString(dst.resolve("f"), "old");

    assertThrows(FileAlreadyExistsException.class, () -> copier().copyInto(src, dst));
    assertEquals("old", Files.readString(dst.resolve("f")));
  }

  @Test
  void copyInto_emptyTmpfsMountPoint_isExactCopyOfSource() throws IOException {
    Assumptions.assumeTrue(nodes.isRoot(), "mounting tmpfs needs CAP_SYS_ADMIN");
    Path src = sampleTree();
    Path dst = Files.createDirectory(tmp.resolve("volume"));
    mounts.mount("tmpfs", dst, "tmpfs", MountCalls.MS_NOSUID | MountCalls.MS_NODEV, "mode=0700");
    try {
      TreeCopy copier = TreeCopy.detect(dst);

      copier.copyInto(src, dst);

      TreeSnapshot.ofCopy(dst).assertMatches(TreeSnapshot.ofCopy(src), Times.EXACT);
      assertEquals("tmpfs", Files.getFileStore(dst).type());
    } finally {
      mounts.umount(dst, MountCalls.MNT_DETACH);
    }
  }

  @Test
  void copyInto_destinationWithoutXattrSupport_copiesTreeSkippingXattrs() throws IOException {
    Assumptions.assumeTrue(nodes.isRoot(), "mounting ramfs needs CAP_SYS_ADMIN");
    Path src = Files.createDirectory(tmp.resolve("src"));
    Path file = Files.writeString(src.resolve("f"), "content");
    xattrs.set(file, "user.lost", "x".getBytes());
    xattrs.set(src, "user.lost-too", "y".getBytes());
    Path dst = Files.createDirectory(tmp.resolve("volume"));
    // ramfs has no xattr handlers at all: every set fails with EOPNOTSUPP.
    mounts.mount("ramfs", dst, "ramfs", 0, null);
    try {
      copier().copyInto(src, dst);

      assertEquals("content", Files.readString(dst.resolve("f")));
      assertEquals(List.of(), xattrs.list(dst.resolve("f")));
      assertEquals(List.of(), xattrs.list(dst));
    } finally {
      mounts.umount(dst, MountCalls.MNT_DETACH);
    }
  }

  @Test
  void copy_destinationWithoutXattrSupport_throws() throws IOException {
    Assumptions.assumeTrue(nodes.isRoot(), "mounting ramfs needs CAP_SYS_ADMIN");
    Path src = Files.createDirectory(tmp.resolve("src"));
    xattrs.set(Files.writeString(src.resolve("f"), "content"), "user.kept", "x".getBytes());
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    mounts.mount("ramfs", mnt, "ramfs", 0, null);
    try {
      // A layer copy must be exact, so only copyInto forgives a filesystem without xattrs.
      var e = assertThrows(PosixException.class,
          () -> copier().copy(src, mnt.resolve("layer")));
      assertEquals(PosixException.EOPNOTSUPP, e.errno());
    } finally {
      mounts.umount(mnt, MountCalls.MNT_DETACH);
    }
  }

  /** Every kind of entry, with owners, special bits, xattrs and fixed nanosecond times. */
  private Path sampleTree() throws IOException {
    Path src = Files.createDirectory(tmp.resolve("image-dir"));
    Path dir = Files.createDirectories(src.resolve("a/b"));
    Path suid = Files.writeString(dir.resolve("suid"), "x");
    nodes.lchown(suid, 1000, 1001);
    nodes.chmod(suid, 04755);
    Files.createLink(src.resolve("hard"), suid);
    xattrs.set(suid, "user.k", new byte[] {9, 0, 9});
    xattrs.set(suid, "security.capability",
        new byte[] {0, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    nodes.chmod(src.resolve("a"), 01707);
    nodes.lchown(src.resolve("a"), 7, 8);
    nodes.mkfifo(src.resolve("fifo"), 0640);
    nodes.mknod(src.resolve("null"), FileNodes.S_IFCHR, 0666, 1, 3);
    Path link = Files.createSymbolicLink(src.resolve("link"), Path.of("a/b/suid"));
    nodes.lchown(link, 5, 6);
    nodes.lchown(src, 33, 44);
    nodes.chmod(src, 0751);
    xattrs.set(src, "trusted.root", "r".getBytes());
    for (Path p : new Path[] {suid, link, dir, src.resolve("a"), src.resolve("fifo"),
        src.resolve("null"), src}) {
      nodes.setTimes(p, T, T);
    }
    return src;
  }
}
