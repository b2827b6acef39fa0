package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Xattrs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The refusal list is checked before any attribute is touched, so these run without root. */
class RelabelRefusalsTest {

  static final List<String> SYSTEM_PATHS = RelabelRefusals.SYSTEM_PATHS;

  @TempDir Path tmp;
  private final ForkJoinPool pool = new ForkJoinPool(1);

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  @ParameterizedTest
  @FieldSource("SYSTEM_PATHS")
  void relabel_systemPath_throwsInvalidArgument(String path) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> relabeler(List.of()).relabel(Path.of(path), SelinuxLabel.CONTAINER_FILE));

    assertEquals("SELinux relabeling of " + path + " is not allowed", e.getMessage());
    assertEquals(path, e.subject());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/usr/", "/usr//", "/etc/../usr", "/usr/./", "/var/lib/"})
  void relabel_uncleanSystemPath_throwsInvalidArgument(String path) {
    assertThrows(InvalidArgumentException.class,
        () -> relabeler(List.of()).relabel(Path.of(path), SelinuxLabel.CONTAINER_FILE));
  }

  @Test
  void relabel_symlinkToEtc_throwsNamingResolvedPath() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("/etc"));

    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> relabeler(List.of()).relabel(link, SelinuxLabel.CONTAINER_FILE));

    assertEquals(
        "SELinux relabeling of /etc is not allowed (" + link + " resolves to it)", e.getMessage());
  }

  @Test
  void relabel_symlinkToDirectoryBehindRefusedSymlink_throwsInvalidArgument() throws Exception {
    // On merged-/usr hosts /bin -> usr/bin: a link to /usr/bin is a link to /bin.
    Path bin = Path.of("/bin").toRealPath();
    Path link = Files.createSymbolicLink(tmp.resolve("link"), bin);

    assertThrows(InvalidArgumentException.class,
        () -> relabeler(List.of()).relabel(link, SelinuxLabel.CONTAINER_FILE));
  }

  @Test
  void relabel_homeDirectory_throwsInvalidArgument() throws Exception {
    Path home = Files.createDirectory(tmp.resolve("home"));

    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> relabeler(List.of(home)).relabel(home, SelinuxLabel.CONTAINER_FILE));

    assertEquals("SELinux relabeling of " + home.toRealPath() + " is not allowed"
        + (home.equals(home.toRealPath()) ? "" : " (" + home + " resolves to it)"),
        e.getMessage());
  }

  @Test
  void relabel_homeGivenWithTrailingSlash_stillRefused() throws Exception {
    Path home = Files.createDirectory(tmp.resolve("home"));

    assertThrows(InvalidArgumentException.class, () -> relabeler(List.of(home))
        .relabel(Path.of(home + "/"), SelinuxLabel.CONTAINER_FILE));
  }

  @Test
  void fromEnvironment_userHome_isRefused() throws Exception {
    RelabelRefusals refusals = RelabelRefusals.fromEnvironment();

    assertTrue(refusals.refuses(Path.of(System.getProperty("user.home")).toAbsolutePath()));
  }

  @Test
  void refuses_pathBelowSystemPath_false() {
    RelabelRefusals refusals = RelabelRefusals.of(List.of());

    assertFalse(refusals.refuses(Path.of("/usr/local/x")));
    assertFalse(refusals.refuses(Path.of("/etc/containers")));
    assertFalse(refusals.refuses(Path.of("/var/lib/strata/volumes/v/_data")));
  }

  @Test
  void relabel_directoryNamedLikeSystemPathInsideTemp_isAllowed() throws Exception {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "security.* xattrs need root");
    Path x = Files.createDirectories(tmp.resolve("usr/local/x"));

    RelabelResult result = relabeler(List.of()).relabel(x, SelinuxLabel.CONTAINER_FILE);

    assertEquals(new RelabelResult(1, 1), result);
  }

  @Test
  void homeOf_sudoUserInPasswd_returnsHomeField() {
    List<String> passwd = List.of(
        "root:x:0:0:root:/root:/bin/bash",
        "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash",
        "broken-line");

    assertEquals(Optional.of(Path.of("/home/alice")), RelabelRefusals.homeOf("alice", passwd));
    assertEquals(Optional.empty(), RelabelRefusals.homeOf("bob", passwd));
    assertEquals(Optional.empty(), RelabelRefusals.homeOf("broken-line", passwd));
  }

  private Relabeler relabeler(List<Path> homes) {
    return new Relabeler(new Xattrs(), pool, RelabelRefusals.of(homes));
  }
}
