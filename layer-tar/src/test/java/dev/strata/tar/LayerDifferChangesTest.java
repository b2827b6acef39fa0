package dev.strata.tar;

import static dev.strata.tar.DiffFixtures.copy;
import static dev.strata.tar.DiffFixtures.lines;
import static dev.strata.tar.DiffFixtures.mtime;
import static dev.strata.tar.DiffFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Xattrs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerDifferChangesTest {

  static final long T = 1_600_000_000L;
  static final int NS = 123_456_789;

  @TempDir Path tmp;

  private final LayerDiffer differ = new LayerDiffer();

  /**
   * {@code etc/{hosts,passwd}}, {@code usr/lib/{a.so,b.so}}, {@code usr/bin/sh}, empty {@code tmp/},
   * {@code link -> etc/hosts}; every mtime is T.NS.
   */
  static Path baseTree(Path root) throws Exception {
    write(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    write(root.resolve("etc/passwd"), "root:x:0:0\n");
    write(root.resolve("usr/lib/a.so"), "A");
    write(root.resolve("usr/lib/b.so"), "B");
    write(root.resolve("usr/bin/sh"), "#!");
    Files.createDirectories(root.resolve("tmp"));
    Files.createSymbolicLink(root.resolve("link"), Path.of("etc/hosts"));
    for (String p : List.of("etc/hosts", "etc/passwd", "usr/lib/a.so", "usr/lib/b.so", "usr/bin/sh",
        "link", "usr/lib", "usr/bin", "usr", "etc", "tmp")) {
      mtime(root.resolve(p), T, NS);
    }
    return root;
  }

  private Path lower() throws Exception {
    return baseTree(tmp.resolve("lower"));
  }

  private List<String> changes(Path lower, Path upper) throws Exception {
    return lines(differ.changes(Optional.of(lower), upper));
  }

  @Test
  void changes_identicalCopy_isEmpty() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    assertEquals(List.of(), changes(lower, upper));
  }

  @Test
  void changes_baseLayer_listsEveryPathAsAdded() throws Exception {
    Path upper = lower();
    assertEquals(List.of("A /etc", "A /etc/hosts", "A /etc/passwd", "A /link", "A /tmp", "A /usr",
        "A /usr/bin", "A /usr/bin/sh", "A /usr/lib", "A /usr/lib/a.so", "A /usr/lib/b.so"),
        lines(differ.changes(Optional.empty(), upper)));
  }

  @Test
  void changes_addedFile_listsFileAndItsDirectoryAsModified() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("etc/motd"), "hi");
    assertEquals(List.of("C /etc", "A /etc/motd"), changes(lower, upper));
  }

  @Test
  void changes_addedSubtree_listsEveryAddedPath() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("usr/share/doc/x/README"), "r");
    write(upper.resolve("usr/share/doc/y"), "y");
    assertEquals(List.of("C /usr", "A /usr/share", "A /usr/share/doc", "A /usr/share/doc/x",
        "A /usr/share/doc/x/README", "A /usr/share/doc/y"), changes(lower, upper));
  }

  @Test
  void changes_modifiedContent_listsFileAndEveryAncestor() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("usr/lib/a.so"), "AA");
    assertEquals(List.of("C /usr", "C /usr/lib", "C /usr/lib/a.so"), changes(lower, upper));
  }

  @Test
  void changes_sameSizeContentWithNewMtime_isModified() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("usr/lib/a.so"), "Z");
    assertEquals(List.of("C /usr", "C /usr/lib", "C /usr/lib/a.so"), changes(lower, upper));
  }

  @Test
  void changes_sameSizeContentWithMtimeRestored_isNotReadAndNotReported() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("usr/lib/a.so"), "Z");
    mtime(upper.resolve("usr/lib/a.so"), T, NS);
    assertEquals(List.of(), changes(lower, upper));
  }

  @Test
  void changes_deletedFile_listsDeletionAndDirectory() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    Files.delete(upper.resolve("etc/passwd"));
    assertEquals(List.of("C /etc", "D /etc/passwd"), changes(lower, upper));
  }

  @Test
  void changes_deletedSubtree_listsOnlyItsTop() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    DiffFixtures.run(upper, "rm", "-rf", "usr/lib");
    assertEquals(List.of("C /usr", "D /usr/lib"), changes(lower, upper));
  }

  @Test
  void changes_everyChildDeleted_listsEachDeletion() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    DiffFixtures.run(upper, "rm", "-rf", "usr/lib/a.so", "usr/lib/b.so");
    write(upper.resolve("usr/lib/c.so"), "C");
    assertEquals(List.of("C /usr", "C /usr/lib", "D /usr/lib/a.so", "D /usr/lib/b.so",
        "A /usr/lib/c.so"), changes(lower, upper));
  }

  @Test
  void changes_fileReplacedByDirectory_listsModifiedAndAddedChildren() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    Files.delete(upper.resolve("etc/hosts"));
    write(upper.resolve("etc/hosts/a"), "a");
    assertEquals(List.of("C /etc", "C /etc/hosts", "A /etc/hosts/a"), changes(lower, upper));
  }

  @Test
  void changes_directoryReplacedByFile_listsOneModification() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    DiffFixtures.run(upper, "rm", "-rf", "usr/lib");
    write(upper.resolve("usr/lib"), "now a file");
    assertEquals(List.of("C /usr", "C /usr/lib"), changes(lower, upper));
  }

  @Test
  void changes_chmodOnly_isModified() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    Files.setPosixFilePermissions(upper.resolve("usr/bin/sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    assertEquals(List.of("C /usr", "C /usr/bin", "C /usr/bin/sh"), changes(lower, upper));
  }

  @Test
  void changes_setuidBitOnly_isModified() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    new FileNodes().chmod(upper.resolve("etc/passwd"), 04644);
    new FileNodes().chmod(upper.resolve("tmp"), 01777);
    assertEquals(List.of("C /etc", "C /etc/passwd", "C /tmp"), changes(lower, upper));
  }

  @Test
  void changes_chownOnly_isModified() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "lchown to another user needs root");
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    new FileNodes().lchown(upper.resolve("etc/hosts"), 1000, 0);
    new FileNodes().lchown(upper.resolve("usr/lib/b.so"), 0, 1000);
    new FileNodes().lchown(upper.resolve("link"), 5, 5);
    assertEquals(List.of("C /etc", "C /etc/hosts", "C /link", "C /usr", "C /usr/lib",
        "C /usr/lib/b.so"), changes(lower, upper));
  }

  @Test
  void changes_xattrOnly_isModified() throws Exception {
    Path lower = lower();
    Xattrs xattrs = new Xattrs();
    xattrs.set(lower.resolve("etc/passwd"), "user.k", "v1".getBytes(StandardCharsets.UTF_8));
    Path upper = copy(lower, tmp.resolve("upper"));
    xattrs.set(upper.resolve("etc/hosts"), "user.new", new byte[] {0, (byte) 0xff});
    xattrs.set(upper.resolve("etc/passwd"), "user.k", "v2".getBytes(StandardCharsets.UTF_8));
    xattrs.set(upper.resolve("usr/lib"), "user.dir", new byte[] {1});
    assertEquals(List.of("C /etc", "C /etc/hosts", "C /etc/passwd", "C /usr", "C /usr/lib"),
        changes(lower, upper));
  }

  @Test
  void changes_xattrRemoved_isModified() throws Exception {
    Path lower = lower();
    new Xattrs().set(lower.resolve("usr/bin/sh"), "user.k", new byte[] {7});
    Path upper = copy(lower, tmp.resolve("upper"));
    new Xattrs().remove(upper.resolve("usr/bin/sh"), "user.k");
    assertEquals(List.of("C /usr", "C /usr/bin", "C /usr/bin/sh"), changes(lower, upper));
  }

  @Test
  void changes_mtimeTruncatedToSeconds_isNotReported() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    mtime(upper.resolve("etc/hosts"), T, 0);
    mtime(upper.resolve("link"), T, 0);
    mtime(lower.resolve("usr/bin/sh"), T, 0);
    assertEquals(List.of(), changes(lower, upper));
  }

  @Test
  void changes_mtimeDiffersWithinOneSecond_isModified() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    mtime(upper.resolve("etc/hosts"), T, NS + 1);
    assertEquals(List.of("C /etc", "C /etc/hosts"), changes(lower, upper));
  }

  @Test
  void changes_mtimeTruncatedButOtherSecond_isModified() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    mtime(upper.resolve("etc/hosts"), T + 1, 0);
    assertEquals(List.of("C /etc", "C /etc/hosts"), changes(lower, upper));
  }

  @Test
  void changes_directoryMtimeOnly_isNotReported() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("usr/lib/tmpfile"), "x");
    Files.delete(upper.resolve("usr/lib/tmpfile"));
    mtime(upper.resolve("etc"), T + 50, 1);
    assertEquals(List.of(), changes(lower, upper));
  }

  @Test
  void changes_symlinkRetargetedSameLengthSameMtime_isModified() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    Files.delete(upper.resolve("link"));
    Files.createSymbolicLink(upper.resolve("link"), Path.of("etc/hostz"));
    mtime(upper.resolve("link"), T, NS);
    assertEquals(List.of("C /link"), changes(lower, upper));
  }

  @Test
  void changes_hardlinkAddedToUnchangedFile_listsOnlyTheNewPath() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    Files.createLink(upper.resolve("usr/bin/bash"), upper.resolve("usr/bin/sh"));
    assertEquals(List.of("C /usr", "C /usr/bin", "A /usr/bin/bash"), changes(lower, upper));
  }

  @Test
  void changes_specialFilesAdded_listsThem() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "mknod of a device needs root");
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    new FileNodes().mknod(upper.resolve("tmp/null"), FileNodes.S_IFCHR, 0666, 1, 3);
    new FileNodes().mkfifo(upper.resolve("tmp/fifo"), 0600);
    assertEquals(List.of("C /tmp", "A /tmp/fifo", "A /tmp/null"), changes(lower, upper));
  }

  @Test
  void changes_deviceNumberChanged_isModified() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "mknod of a device needs root");
    Path lower = lower();
    new FileNodes().mknod(lower.resolve("tmp/dev"), FileNodes.S_IFCHR, 0666, 1, 3);
    mtime(lower.resolve("tmp/dev"), T, NS);
    Path upper = copy(lower, tmp.resolve("upper"));
    Files.delete(upper.resolve("tmp/dev"));
    new FileNodes().mknod(upper.resolve("tmp/dev"), FileNodes.S_IFCHR, 0666, 1, 5);
    mtime(upper.resolve("tmp/dev"), T, NS);
    assertEquals(List.of("C /tmp", "C /tmp/dev"), changes(lower, upper));
  }

  @Test
  void changes_pathsThatSortDifferentlyAsBytes_areSortedByPath() throws Exception {
    Path lower = lower();
    Path upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("etc.d/x"), "x");
    write(upper.resolve("etc/a"), "a");
    write(upper.resolve("étc"), "e");
    assertEquals(List.of("C /etc", "A /etc.d", "A /etc.d/x", "A /etc/a", "A /étc"),
        changes(lower, upper));
  }

  @Test
  void changes_missingUpper_throwsNotFound() throws Exception {
    Path lower = lower();
    assertThrows(NotFoundException.class,
        () -> differ.changes(Optional.of(lower), tmp.resolve("absent")));
  }

  @Test
  void changes_upperIsAFile_throwsInvalidArgument() throws Exception {
    Path lower = lower();
    assertThrows(InvalidArgumentException.class,
        () -> differ.changes(Optional.of(lower), lower.resolve("etc/hosts")));
  }
}
