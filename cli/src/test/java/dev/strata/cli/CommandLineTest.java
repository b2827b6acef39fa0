package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes, error lines, --version, info and demo. */
class CommandLineTest {

  @TempDir Path tmp;

  @Test
  void version_opensNoStore_rootUntouched() {
    Path root = tmp.resolve("never-created");

    Cli.Result r = Cli.runRaw("--root", root.toString(), "--version");

    assertEquals(0, r.exit());
    assertTrue(r.out().startsWith("strata "), r.out());
    assertFalse(Files.exists(root));
  }

  @Test
  void version_alone_printsWhatPicocliPrints() {
    Cli.Result alone = Cli.runRaw("--version");
    Cli.Result parsed = Cli.runRaw("--format", "table", "--version");

    assertEquals(0, alone.exit());
    assertEquals(parsed, alone);
    assertEquals(alone, Cli.runRaw("-V"));
  }

  @Test
  void mount_unknownContainer_exitsNotFoundWithOneLine() {
    Cli.Result r = Cli.run(tmp, "mount", "ghost");

    assertEquals(ExitCodes.NOT_FOUND, r.exit(), r.toString());
    assertEquals("strata: no such container: ghost (see `strata ps`)", r.err().strip());
  }

  @Test
  void commands_unknownContainer_exitNotFound() {
    for (String command : new String[] {"umount", "rm", "diff", "commit"}) {
      assertEquals(ExitCodes.NOT_FOUND, Cli.run(tmp, command, "ghost").exit(), command);
    }
    assertEquals(ExitCodes.NOT_FOUND, Cli.run(tmp, "export", "ghost", "-o", tmp.resolve("x.tar").toString()).exit());
  }

  @Test
  void containerCommands_hostileName_exitInvalidArgumentWithoutStackTrace() {
    for (String name : new String[] {"../../etc", "a/b", "-", ".hidden", "x"}) {
      Cli.Result r = Cli.run(tmp, "mount", "--", name);
      assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), name + ": " + r);
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().contains("invalid container name"), r.err());
    }
  }

  @Test
  void create_invalidName_exitsInvalidArgument() throws Exception {
    Cli.ok(tmp, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());

    Cli.Result r = Cli.run(tmp, "create", "--name", "../escape", AppImage.TAG);

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
    assertFalse(Files.exists(tmp.resolve("escape")));
  }

  @Test
  void create_invalidReference_exitsInvalidArgument() {
    Cli.Result r = Cli.run(tmp, "create", "--name", "c1", "Bad//Ref");

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
    assertTrue(r.err().contains("invalid reference format"), r.err());
  }

  @Test
  void create_takenName_exitsAlreadyExists() throws Exception {
    Cli.ok(tmp, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    Cli.ok(tmp, "create", "--name", "c1", AppImage.TAG);

    assertEquals(ExitCodes.ALREADY_EXISTS, Cli.run(tmp, "create", "--name", "c1", AppImage.TAG).exit());
  }

  @Test
  void umount_notMounted_exitsFailedPrecondition() throws Exception {
    Cli.ok(tmp, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    Cli.ok(tmp, "create", "--name", "c1", AppImage.TAG);

    assertEquals(ExitCodes.FAILED_PRECONDITION, Cli.run(tmp, "umount", "c1").exit());
  }

  @Test
  void debug_onError_addsStackTrace() {
    Cli.Result r = Cli.run(tmp, "--debug", "mount", "ghost");

    assertEquals(ExitCodes.NOT_FOUND, r.exit());
    assertTrue(r.err().lines().count() > 1, r.err());
  }

  @Test
  void unknownOption_exitsUsage() {
    assertEquals(ExitCodes.USAGE, Cli.run(tmp, "images", "--no-such-option").exit());
  }

  @Test
  void info_freshRoot_reportsDriverAndCounts() {
    Cli.Result r = Cli.ok(tmp, "info");

    assertTrue(r.out().contains("Storage Driver:"), r.out());
    assertTrue(r.out().contains("vfs"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("Images:\\s+0")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("Containers:\\s+0")), r.out());
  }

  @Test
  void demo_onItsOwn_exitsZeroAndCleansUp() {
    Cli.Result r = Cli.runRaw("--driver", "vfs", "demo");

    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("ok: the 4 DiffIDs are the same in both roots"), r.out());
    String removed = r.lastLine();
    assertTrue(removed.startsWith("Removed "), removed);
    assertFalse(Files.exists(Path.of(removed.substring("Removed ".length()))));
  }
}
