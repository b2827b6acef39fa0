package dev.strata.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.testing.TreeSnapshot.Times;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class TreeSnapshotTest {

  @TempDir Path tmp;

  @Test
  void assertMatches_modeChanged_reportsThePathAndBothModes() throws IOException {
    Path a = tree("a");
    Path b = tree("b");
    Files.setPosixFilePermissions(b.resolve("d/f"), PosixFilePermissions.fromString("rwx------"));

    List<String> diffs = TreeSnapshot.of(b).differences(TreeSnapshot.of(a), Times.IGNORE);

    assertEquals(List.of("differs    /d/f  mode: expected 0644 but was 0700"), diffs);
    assertThrows(AssertionFailedError.class, () -> TreeSnapshot.of(b).assertMatches(TreeSnapshot.of(a), Times.IGNORE));
  }

  @Test
  void withoutRoot_leavesTheRootOutAndKeepsTheRest() throws IOException {
    TreeSnapshot whole = TreeSnapshot.of(tree("a"));

    assertEquals(Set.of("/", "/d", "/d/f", "/d/link"), whole.paths());
    assertEquals(Set.of("/d", "/d/f", "/d/link"), whole.withoutRoot().paths());
  }

  @Test
  void of_hardlinks_areGroupedUnderTheirFirstName() throws IOException {
    Path a = tree("a");
    Files.createLink(a.resolve("z"), a.resolve("d/f"));

    TreeSnapshot snapshot = TreeSnapshot.of(a);

    assertEquals("/d/f", snapshot.get("/z").linkGroup());
    assertEquals("/d/f", snapshot.get("/d/f").linkGroup());
    assertTrue(snapshot.get("/d").linkGroup().isEmpty());
  }

  private Path tree(String name) throws IOException {
    Path root = Files.createDirectory(tmp.resolve(name));
    Files.createDirectory(root.resolve("d"));
    Files.writeString(root.resolve("d/f"), "content");
    Files.setPosixFilePermissions(root.resolve("d/f"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.createSymbolicLink(root.resolve("d/link"), Path.of("f"));
    return root;
  }
}
