package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryEntriesTest {

  private static final String SELINUX = "security.selinux";
  private static final byte[] LABEL =
      "system_u:object_r:container_file_t:s0\0".getBytes(StandardCharsets.US_ASCII);
  /** Far past any assigned number: the kernel answers ENOSYS, as one before 6.13 does. */
  private static final long UNASSIGNED = 100_000;

  @TempDir Path dir;
  private final Xattrs xattrs = new Xattrs();

  @Test
  void next_fileDirectoryAndSymlinks_listsEachOnceWithoutDotsAndTellsDirectories()
      throws Exception {
    Files.writeString(dir.resolve("file"), "x");
    Files.createDirectory(dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("dirlink"), dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
    DirectoryEntries entries = new DirectoryEntries("user.test");

    Map<String, Boolean> listed = new HashMap<>();
    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      while (entries.next()) {
        assertEquals(null, listed.put(entries.name(), entries.isDirectory()));
      }
    }

    assertEquals(
        Map.of("file", false, "sub", true, "dirlink", false, "dangling", false), listed);
  }

  @Test
  void next_moreEntriesThanOneListingHolds_listsAll() throws Exception {
    for (int i = 0; i < 2000; i++) {
      Files.createFile(dir.resolve("a-fairly-long-file-name-to-fill-the-buffer-" + i));
    }
    DirectoryEntries entries = new DirectoryEntries("user.test");

    int count = 0;
    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      while (entries.next()) {
        count++;
      }
    }

    assertEquals(2000, count);
  }

  @Test
  void setThenGet_onFile_readsBackByteExact() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    byte[] value = {0, 1, 2, (byte) 0xff, 42};
    DirectoryEntries entries = new DirectoryEntries("user.test");
    byte[] read = new byte[16];

    int length;
    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      assertTrue(entries.next());
      assertEquals(-1, entries.get(read));
      entries.set(value);
      length = entries.get(read);
    }

    assumeFalse(entries.isPathBased(), "kernel without getxattrat/setxattrat (Linux 6.13)");
    assertEquals(value.length, length);
    assertArrayEquals(value, java.util.Arrays.copyOf(read, length));
    assertArrayEquals(value, xattrs.get(file, "user.test").orElseThrow());
  }

  @Test
  void get_valueLongerThanBuffer_returnsItsLengthOnly() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    xattrs.set(file, "user.test", new byte[300]);
    DirectoryEntries entries = new DirectoryEntries("user.test");
    byte[] small = {7, 7, 7, 7};

    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      entries.next();
      assertEquals(300, entries.get(small));
    }

    assertArrayEquals(new byte[] {7, 7, 7, 7}, small);
  }

  @Test
  void get_bufferLargerThanTheNativeOne_readsWholeValue() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    byte[] value = new byte[1000];
    value[999] = 9;
    xattrs.set(file, "user.test", value);
    DirectoryEntries entries = new DirectoryEntries("user.test");
    byte[] big = new byte[2000];

    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      entries.next();
      assertEquals(1000, entries.get(big));
    }

    assertEquals(9, big[999]);
  }

  @Test
  void set_onDirectoryEntry_labelsTheDirectory() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "security.* xattrs need root");
    Path sub = Files.createDirectory(dir.resolve("sub"));
    DirectoryEntries entries = new DirectoryEntries(SELINUX);

    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      entries.next();
      entries.set(LABEL);
    }

    assumeFalse(entries.isPathBased(), "kernel without getxattrat/setxattrat (Linux 6.13)");
    assertArrayEquals(LABEL, xattrs.get(sub, SELINUX).orElseThrow());
  }

  @Test
  void set_onSymlink_labelsTheLinkNotItsTarget() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "security.* xattrs on symlinks need root");
    Path outside = Files.createDirectory(dir.resolve("outside"));
    Path target = Files.writeString(outside.resolve("target"), "x");
    Path inside = Files.createDirectory(dir.resolve("inside"));
    Path link = Files.createSymbolicLink(inside.resolve("link"), target);
    DirectoryEntries entries = new DirectoryEntries(SELINUX);
    byte[] read = new byte[64];

    try (DirectoryFd fd = DirectoryFd.open(inside)) {
      entries.open(fd);
      entries.next();
      assertEquals(-1, entries.get(read));
      entries.set(LABEL);
      assertEquals(LABEL.length, entries.get(read));
    }

    assumeFalse(entries.isPathBased(), "kernel without getxattrat/setxattrat (Linux 6.13)");
    assertArrayEquals(LABEL, xattrs.get(link, SELINUX).orElseThrow());
    assertEquals(Optional.empty(), xattrs.get(target, SELINUX));
  }

  @Test
  void get_entryRemovedAfterListing_throwsEnoent() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    DirectoryEntries entries = new DirectoryEntries("user.test");

    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      entries.next();
      Files.delete(file);
      PosixException e = assertThrows(PosixException.class, () -> entries.get(new byte[8]));
      assertEquals(PosixException.ENOENT, e.errno());
    }
  }

  @Test
  void getAndSet_kernelAnswersEnosys_fallBackToPathsForGood() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    DirectoryEntries entries = new DirectoryEntries("user.test", UNASSIGNED, UNASSIGNED);
    byte[] read = new byte[8];

    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      entries.next();
      assertEquals(-1, entries.get(read));
      assertTrue(entries.isPathBased());
      entries.set(new byte[] {5, 6});
      assertEquals(2, entries.get(read));
    }

    assertArrayEquals(new byte[] {5, 6}, java.util.Arrays.copyOf(read, 2));
    assertArrayEquals(new byte[] {5, 6}, xattrs.get(file, "user.test").orElseThrow());
  }

  @Test
  void set_pathBasedOnSymlink_labelsTheLinkNotItsTarget() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "security.* xattrs on symlinks need root");
    Path target = Files.writeString(dir.resolve("target"), "x");
    Path inside = Files.createDirectory(dir.resolve("inside"));
    Path link = Files.createSymbolicLink(inside.resolve("link"), target);
    DirectoryEntries entries = DirectoryEntries.pathBased(SELINUX);

    try (DirectoryFd fd = DirectoryFd.open(inside)) {
      entries.open(fd);
      entries.next();
      entries.set(LABEL);
    }

    assertTrue(entries.isPathBased());
    assertArrayEquals(LABEL, xattrs.get(link, SELINUX).orElseThrow());
    assertEquals(Optional.empty(), xattrs.get(target, SELINUX));
  }

  @Test
  void get_beforeNext_throwsIllegalState() throws Exception {
    DirectoryEntries entries = new DirectoryEntries("user.test");
    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      assertThrows(IllegalStateException.class, () -> entries.get(new byte[8]));
    }
  }

  @Test
  void next_emptyDirectory_isFalse() throws Exception {
    DirectoryEntries entries = new DirectoryEntries("user.test");
    try (DirectoryFd fd = DirectoryFd.open(dir)) {
      entries.open(fd);
      assertFalse(entries.next());
    }
  }
}
