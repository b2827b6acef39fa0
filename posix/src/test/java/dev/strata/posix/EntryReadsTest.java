package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryReadsTest {

  /** Far past any assigned number: the kernel answers ENOSYS, as one before 6.13 does. */
  private static final long UNASSIGNED = 100_000;

  @TempDir Path dir;
  private final Xattrs xattrs = new Xattrs();

  @Test
  void list_manyEntriesTwice_listsEachOnceWithTypesAndNoDots() throws Exception {
    for (int i = 0; i < 3000; i++) {
      Files.createFile(dir.resolve("a-fairly-long-file-name-to-fill-the-listing-buffer-" + i));
    }
    Files.createDirectory(dir.resolve("sub"));
    EntryReads reads = new EntryReads();

    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      for (int pass = 0; pass < 2; pass++) {
        Map<String, Integer> listed = new HashMap<>();
        reads.list(fd, (name, type) -> assertEquals(null, listed.put(name, type)));
        assertEquals(3001, listed.size());
        assertEquals(EntryReads.DT_DIR, listed.get("sub"));
        assertEquals(EntryReads.DT_REG, listed.get("a-fairly-long-file-name-to-fill-the-listing-buffer-7"));
      }
    }
  }

  @Test
  void stat_fileAndMissingName_matchesLstatOrEmpty() throws Exception {
    Path file = Files.write(dir.resolve("f"), new byte[1234]);
    Files.setLastModifiedTime(file, FileTime.from(java.time.Instant.ofEpochSecond(1_600_000_000L, 123_456_789)));
    EntryReads reads = new EntryReads();

    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      EntryStat s = reads.stat(fd, "f").orElseThrow();
      Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid,gid,ino,nlink", LinkOption.NOFOLLOW_LINKS);
      assertEquals(a.get("mode"), s.mode());
      assertEquals(Integer.toUnsignedLong((Integer) a.get("uid")), s.uid());
      assertEquals(Integer.toUnsignedLong((Integer) a.get("gid")), s.gid());
      assertEquals(a.get("ino"), s.ino());
      assertEquals(a.get("nlink"), s.nlink());
      assertEquals(1234, s.size());
      assertEquals(new Timestamp(1_600_000_000L, 123_456_789), s.mtime());
      assertEquals(Optional.empty(), reads.stat(fd, "missing"));
    }
  }

  @Test
  void readLinkAndOpen_symlinkWithNonAsciiTarget_readsTargetBytesAndRefusesToOpen() throws Exception {
    Files.createSymbolicLink(dir.resolve("link"), Path.of("caf\u00e9"));
    EntryReads reads = new EntryReads();

    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      assertEquals(RawNames.ofText("caf\u00e9"), reads.readLink(fd, "link"));
      PosixException e = assertThrows(PosixException.class, () -> reads.open(fd, "link"));
      assertEquals(PosixException.ELOOP, e.errno());
    }
  }

  @Test
  void open_regularFile_readsItsBytesThenEnd() throws Exception {
    Files.writeString(dir.resolve("f"), "hello");
    EntryReads reads = new EntryReads();
    ByteBuffer buffer = ByteBuffer.allocateDirect(64);

    try (DirectoryFd fd = DirectoryFd.open(dir); ReadOnlyFile file = reads.open(fd, "f")) {
      assertEquals(5, file.read(buffer));
      assertEquals(0, file.read(buffer));
    }
    byte[] read = new byte[5];
    buffer.flip().get(read);
    assertEquals("hello", new String(read, StandardCharsets.US_ASCII));
  }

  @Test
  void xattrs_setOnFile_listedAndReadByteExactAlsoWithoutTheAtCalls() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    byte[] value = {0, 1, 2, (byte) 0xff};
    xattrs.set(file, "user.test", value);
    Files.writeString(dir.resolve("plain"), "y");

    for (EntryReads reads : List.of(new EntryReads(), new EntryReads(UNASSIGNED, UNASSIGNED))) {
      try (DirectoryFd fd = DirectoryFd.open(dir)) {
        assertTrue(reads.xattrNames(fd, "f").contains("user.test"));
        assertArrayEquals(value, reads.xattr(fd, "f", "user.test").orElseThrow());
        assertEquals(Optional.empty(), reads.xattr(fd, "f", "user.absent"));
        assertFalse(reads.xattrNames(fd, "plain").contains("user.test"));
      }
    }
    EntryReads fallback = new EntryReads(UNASSIGNED, UNASSIGNED);
    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      fallback.xattrNames(fd, "f");
    }
    assertTrue(fallback.isPathBased());
  }
}
