package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNodesTest {

  private final FileNodes nodes = new FileNodes();

  @TempDir Path dir;

  private static Object attr(Path p, String name) throws Exception {
    return Files.getAttribute(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void setTimes_onSymlink_setsNanosecondsOfLinkNotTarget() throws Exception {
    Path target = Files.writeString(dir.resolve("target"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    FileTime before = Files.getLastModifiedTime(target);

    nodes.setTimes(link, new Timestamp(1_000_000_000L, 123_456_789), new Timestamp(1_500_000_000L, 987_654_321));

    assertEquals(Instant.ofEpochSecond(1_500_000_000L, 987_654_321),
        Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toInstant());
    assertEquals(Instant.ofEpochSecond(1_000_000_000L, 123_456_789),
        ((FileTime) attr(link, "lastAccessTime")).toInstant());
    assertEquals(before, Files.getLastModifiedTime(target));
  }

  @Test
  void setTimes_nullAtime_leavesAtimeUnchanged() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    nodes.setTimes(f, new Timestamp(42, 7), new Timestamp(43, 8));
    nodes.setTimes(f, null, new Timestamp(44, 9));
    assertEquals(Instant.ofEpochSecond(42, 7), ((FileTime) attr(f, "lastAccessTime")).toInstant());
    assertEquals(Instant.ofEpochSecond(44, 9), Files.getLastModifiedTime(f).toInstant());
  }

  @Test
  void chmod_withSetuidAndSticky_keepsAllTwelveBits() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    Path d = Files.createDirectory(dir.resolve("d"));
    nodes.chmod(f, 04755);
    nodes.chmod(d, 01777);
    assertEquals(04755, (int) attr(f, "mode") & 07777);
    assertEquals(01777, (int) attr(d, "mode") & 07777);
  }

  @Test
  void lchown_onSymlink_changesLinkOwnerOnly() throws Exception {
    assumeTrue(nodes.isRoot(), "lchown to another uid needs root");
    Path target = Files.writeString(dir.resolve("target"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    nodes.lchown(link, 1, 2);
    assertEquals(1, attr(link, "uid"));
    assertEquals(2, attr(link, "gid"));
    assertEquals(0, attr(target, "uid"));
  }

  @Test
  void mknod_charDevice_recordsMajorAndMinor() throws Exception {
    assumeTrue(nodes.isRoot(), "mknod of a device needs CAP_MKNOD");
    Path dev = dir.resolve("null");
    nodes.mknod(dev, FileNodes.S_IFCHR, 0666, 1, 3);
    int mode = (int) attr(dev, "mode");
    long rdev = (long) attr(dev, "rdev");
    assertEquals(FileNodes.S_IFCHR, mode & 0170000);
    assertEquals(1, FileNodes.major(rdev));
    assertEquals(3, FileNodes.minor(rdev));
  }

  @Test
  void mknod_largeDeviceNumbers_roundTrip() throws Exception {
    assumeTrue(nodes.isRoot(), "mknod of a device needs CAP_MKNOD");
    Path dev = dir.resolve("blk");
    nodes.mknod(dev, FileNodes.S_IFBLK, 0600, 259, 70000);
    long rdev = (long) attr(dev, "rdev");
    assertEquals(259, FileNodes.major(rdev));
    assertEquals(70000, FileNodes.minor(rdev));
  }

  @Test
  void mkfifo_withMode_createsFifo() throws Exception {
    Path fifo = dir.resolve("fifo");
    nodes.mkfifo(fifo, 0640);
    nodes.chmod(fifo, 0640); // the umask may have narrowed the mode
    assertEquals(0640, (int) attr(fifo, "mode") & 0777);
    assertEquals(FileNodes.S_IFIFO, (int) attr(fifo, "mode") & 0170000);
  }

  @Test
  void lchown_missingPath_throwsWithEnoent() {
    PosixException e = assertThrows(PosixException.class, () -> nodes.lchown(dir.resolve("nope"), 0, 0));
    assertEquals(PosixException.ENOENT, e.errno());
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }
}
