package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.posix.DirectoryEntries;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Xattrs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelabelerTest {

  private static final SelinuxLabel PRIVATE = SelinuxLabel.CONTAINER_FILE.withLevel("s0:c5,c42");

  @TempDir Path tmp;
  private final Xattrs xattrs = new Xattrs();
  private ForkJoinPool pool;
  private Relabeler relabeler;
  private Path tree;
  private Path outside;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "security.* xattrs need root");
    pool = new ForkJoinPool(2);
    relabeler = new Relabeler(xattrs, pool, RelabelRefusals.of(List.of()));
    tree = Files.createDirectory(tmp.resolve("tree"));
    outside = Files.createDirectory(tmp.resolve("outside"));
  }

  @AfterEach
  void tearDown() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  @Test
  void relabel_treeOfFilesDirsAndSymlink_labelsEveryEntryButNotTheLinkTarget() throws Exception {
    Path target = Files.writeString(outside.resolve("target"), "x");
    Files.createDirectories(tree.resolve("a/b/c"));
    Files.writeString(tree.resolve("a/b/c/deep"), "x");
    Files.writeString(tree.resolve("top"), "x");
    Files.createSymbolicLink(tree.resolve("a/link"), target);

    RelabelResult result = relabeler.relabel(tree, PRIVATE);

    for (String p : List.of("", "a", "a/b", "a/b/c", "a/b/c/deep", "top", "a/link")) {
      assertEquals(Optional.of(PRIVATE.toString()), label(tree.resolve(p)), p);
    }
    assertEquals(Optional.empty(), label(target));
    assertEquals(new RelabelResult(7, 7), result);
  }

  @Test
  void relabel_symlinkedDirectoryInside_isLabelledButNotDescended() throws Exception {
    Path inner = Files.writeString(outside.resolve("inner"), "x");
    Files.createSymbolicLink(tree.resolve("dirlink"), outside);

    relabeler.relabel(tree, PRIVATE);

    assertEquals(Optional.of(PRIVATE.toString()), label(tree.resolve("dirlink")));
    assertEquals(Optional.empty(), label(outside));
    assertEquals(Optional.empty(), label(inner));
  }

  @Test
  void relabel_rootIsSymlink_labelsResolvedDirectory() throws Exception {
    Files.writeString(tree.resolve("f"), "x");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), tree);

    relabeler.relabel(link, PRIVATE);

    assertEquals(Optional.of(PRIVATE.toString()), label(tree));
    assertEquals(Optional.of(PRIVATE.toString()), label(tree.resolve("f")));
    assertEquals(Optional.empty(), label(link));
  }

  @Test
  void relabel_regularFile_labelsOnlyIt() throws Exception {
    Path file = Files.writeString(tree.resolve("f"), "x");

    assertEquals(new RelabelResult(1, 1), relabeler.relabel(file, PRIVATE));
    assertEquals(Optional.empty(), label(tree));
  }

  @Test
  void relabel_writesContextWithTrailingNulLikeLibselinux() throws Exception {
    relabeler.relabel(tree, PRIVATE);

    byte[] raw = xattrs.get(tree, Relabeler.XATTR).orElseThrow();
    assertEquals(PRIVATE + "\0", new String(raw, StandardCharsets.US_ASCII));
  }

  @Test
  void relabel_secondRun_changesNothing() throws Exception {
    Files.createDirectories(tree.resolve("a/b"));
    Files.writeString(tree.resolve("a/b/f"), "x");
    relabeler.relabel(tree, PRIVATE);

    assertEquals(new RelabelResult(4, 0), relabeler.relabel(tree, PRIVATE));
  }

  @Test
  void relabel_rootAlreadyLabelled_entriesAlreadyLabelledKeepTheirCtime() throws Exception {
    Path labelled = Files.writeString(tree.resolve("labelled"), "x");
    Path unlabelled = Files.writeString(tree.resolve("unlabelled"), "x");
    xattrs.set(tree, Relabeler.XATTR, PRIVATE.xattrValue());
    xattrs.set(labelled, Relabeler.XATTR, PRIVATE.xattrValue());
    Object labelledCtime = ctime(labelled);
    Object unlabelledCtime = ctime(unlabelled);
    Thread.sleep(20); // ctime ticks at the kernel's clock granularity

    RelabelResult result = relabeler.relabel(tree, PRIVATE);

    assertEquals(new RelabelResult(3, 1), result);
    assertEquals(labelledCtime, ctime(labelled));
    assertNotEquals(unlabelledCtime, ctime(unlabelled));
  }

  @Test
  void relabel_rootNotLabelled_writesEveryEntryWithoutReadingFirst() throws Exception {
    Path labelled = Files.writeString(tree.resolve("labelled"), "x");
    Files.writeString(tree.resolve("unlabelled"), "x");
    xattrs.set(labelled, Relabeler.XATTR, PRIVATE.xattrValue());

    RelabelResult result = relabeler.relabel(tree, PRIVATE);

    assertEquals(new RelabelResult(3, 3), result, "a first relabel writes blindly, as chcon -R does");
    assertTrue(PRIVATE.matches(xattrs.get(labelled, Relabeler.XATTR).orElseThrow()));
  }

  @Test
  void relabel_labelStoredWithoutNul_countsAsAlreadyLabelled() throws Exception {
    xattrs.set(tree, Relabeler.XATTR, PRIVATE.toString().getBytes(StandardCharsets.US_ASCII));

    assertEquals(new RelabelResult(1, 0), relabeler.relabel(tree, PRIVATE));
  }

  @Test
  void relabel_sharedAfterPrivate_rewritesLevelToS0() throws Exception {
    Path file = Files.writeString(tree.resolve("f"), "x");
    SelinuxMountLabels labels = new SelinuxMountLabels(SelinuxLabel.CONTAINER_FILE);
    relabeler.relabel(tree, labels.privateTo(new McsPair(5, 42)));

    RelabelResult result = relabeler.relabel(tree, labels.shared());

    assertEquals(new RelabelResult(2, 2), result);
    assertEquals(Optional.of("system_u:object_r:container_file_t:s0"), label(file));
  }

  @Test
  void relabel_wideAndDeepTree_visitsEveryEntry() throws Exception {
    int entries = 1;
    Path dir = tree;
    for (int depth = 0; depth < 30; depth++) {
      dir = Files.createDirectory(dir.resolve("d" + depth));
      entries++;
      for (int i = 0; i < 40; i++) {
        Files.createFile(dir.resolve("f" + i));
        entries++;
      }
    }
    for (int i = 0; i < 200; i++) {
      Files.createDirectory(tree.resolve("w" + i));
      Files.createFile(tree.resolve("w" + i + "/f"));
      entries += 2;
    }

    RelabelResult result = relabeler.relabel(tree, PRIVATE);

    assertEquals(new RelabelResult(entries, entries), result);
    assertEquals(Optional.of(PRIVATE.toString()), label(dir.resolve("f39")));
  }

  @Test
  void relabel_withoutXattrAtCalls_labelsThroughPathsAndStillDoesNotFollowLinks() throws Exception {
    Relabeler byPath = new Relabeler(
        xattrs, () -> DirectoryEntries.pathBased(Relabeler.XATTR), pool,
        RelabelRefusals.of(List.of()));
    Path target = Files.writeString(outside.resolve("target"), "x");
    Files.createDirectories(tree.resolve("a/b"));
    Files.writeString(tree.resolve("a/b/f"), "x");
    Files.createSymbolicLink(tree.resolve("a/link"), target);
    Files.createSymbolicLink(tree.resolve("dirlink"), outside);

    RelabelResult first = byPath.relabel(tree, PRIVATE);
    RelabelResult again = byPath.relabel(tree, PRIVATE);

    for (String p : List.of("", "a", "a/b", "a/b/f", "a/link", "dirlink")) {
      assertEquals(Optional.of(PRIVATE.toString()), label(tree.resolve(p)), p);
    }
    assertEquals(Optional.empty(), label(target));
    assertEquals(Optional.empty(), label(outside));
    assertEquals(new RelabelResult(6, 6), first);
    assertEquals(new RelabelResult(6, 0), again);
  }

  @Test
  void relabel_missingPath_throwsNotFound() {
    assertThrows(NotFoundException.class, () -> relabeler.relabel(tmp.resolve("gone"), PRIVATE));
  }

  @Test
  void relabel_emptyPath_throwsInvalidArgument() {
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> relabeler.relabel(Path.of(""), PRIVATE));
    assertTrue(e.getMessage().contains("empty path"), e.getMessage());
  }

  private Optional<String> label(Path p) throws Exception {
    return xattrs.get(p, Relabeler.XATTR).map(v -> new String(v, StandardCharsets.US_ASCII))
        .map(s -> s.endsWith("\0") ? s.substring(0, s.length() - 1) : s);
  }

  private static Object ctime(Path p) throws Exception {
    return Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
  }
}
