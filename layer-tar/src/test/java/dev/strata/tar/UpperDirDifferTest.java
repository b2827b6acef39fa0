package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Change;
import dev.strata.driver.error.NotFoundException;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Xattrs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upper-directory differ on hand-made overlay uppers (no mount): whiteout devices, opaque and
 * other overlay attributes. Root: whiteouts are device nodes and overlay's marks are trusted.*.
 * The kernel-made uppers, compared byte for byte with {@link LayerDiffer}, are in driver-overlay2.
 */
class UpperDirDifferTest {

  private static final byte[] YES = "y".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path tmp;
  private final FileNodes nodes = new FileNodes();
  private final Xattrs xattrs = new Xattrs();
  private final UpperDirDiffer differ = new UpperDirDiffer("trusted.overlay.");
  private Path lower;
  private Path upper;

  @BeforeEach
  void trees() throws IOException {
    Assumptions.assumeTrue(nodes.isRoot(), "whiteout devices and trusted.* xattrs need root");
    lower = Files.createDirectory(tmp.resolve("lower"));
    upper = Files.createDirectory(tmp.resolve("upper"));
    for (Path root : List.of(lower, upper)) {
      nodes.chmod(root, 0755);
    }
    Files.createDirectories(lower.resolve("etc"));
    Files.writeString(lower.resolve("etc/a"), "alpha");
    Files.createDirectories(lower.resolve("usr"));
    Files.writeString(lower.resolve("usr/keep"), "keep");
    Files.writeString(lower.resolve("usr/one"), "one");
  }

  private void whiteout(Path p) throws IOException {
    nodes.mknod(p, FileNodes.S_IFCHR, 0, 0, 0);
  }

  @Test
  public void changes_opaqueDirWithStrayWhiteoutAndOverlayXattrs_reportsOnlyContent() throws IOException {
    Path usr = Files.createDirectory(upper.resolve("usr"));
    xattrs.set(usr, "trusted.overlay.opaque", YES);
    Files.writeString(usr.resolve("only"), "only");
    whiteout(usr.resolve("ghost"));
    Path etc = Files.createDirectory(upper.resolve("etc"));
    xattrs.set(etc, "trusted.overlay.impure", YES);
    whiteout(upper.resolve("never-existed"));

    List<Change> changes = differ.changes(Optional.of(lower), upper);

    assertEquals(List.of(new Change("/usr", Change.Kind.MODIFIED), new Change("/usr/keep", Change.Kind.DELETED),
        new Change("/usr/one", Change.Kind.DELETED), new Change("/usr/only", Change.Kind.ADDED)), changes);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    assertEquals(4, differ.writeDiff(Optional.of(lower), upper, tar));
    assertFalse(new String(tar.toByteArray(), StandardCharsets.ISO_8859_1).contains("trusted.overlay"));
  }

  @Test
  public void changes_whiteoutOfEveryLowerChild_opaqueInTarDeletionsInChanges() throws IOException {
    Path usr = Files.createDirectory(upper.resolve("usr"));
    whiteout(usr.resolve("keep"));
    whiteout(usr.resolve("one"));

    assertEquals(List.of(new Change("/usr", Change.Kind.MODIFIED), new Change("/usr/keep", Change.Kind.DELETED),
        new Change("/usr/one", Change.Kind.DELETED)), differ.changes(Optional.of(lower), upper));
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    differ.writeDiff(Optional.of(lower), upper, tar);
    String text = new String(tar.toByteArray(), StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("usr/.wh..wh..opq") && !text.contains("usr/.wh.keep"), "tar names");
  }

  @Test
  public void canDiff_redirectedDirOrMetacopyFile_false() throws IOException {
    Path dir = Files.createDirectories(upper.resolve("a/b"));
    assertTrue(differ.canDiff(upper));

    xattrs.set(dir, "trusted.overlay.redirect", "/x".getBytes(StandardCharsets.US_ASCII));
    assertFalse(differ.canDiff(upper));

    xattrs.remove(dir, "trusted.overlay.redirect");
    Path file = Files.writeString(dir.resolve("f"), "");
    xattrs.set(file, "trusted.overlay.metacopy", new byte[0]);
    assertFalse(differ.canDiff(upper));
  }

  @Test
  public void changes_missingUpper_throwsNotFound() {
    assertThrows(NotFoundException.class, () -> differ.changes(Optional.of(lower), tmp.resolve("nope")));
    assertThrows(IllegalArgumentException.class, () -> new UpperDirDiffer("trusted.overlay"));
  }
}
