package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.files.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata bundle}: the config.json it writes, the mount it leaves for {@code umount}, and its errors. */
class BundleCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path root;

  @BeforeEach
  void load() throws Exception {
    root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
  }

  @AfterEach
  void noMountsLeft() throws Exception {
    assertEquals(List.of(), MountTable.self().mountPointsUnder(tmp), "mounts left behind");
  }

  @Test
  void bundle_ofContainer_writesConfigAndPrintsTheDirectory() throws Exception {
    Cli.ok(root, "create", "--name", "c1", "-v", "data:/data", "--tmpfs", "/run:size=1m", AppImage.TAG);
    Path dir = tmp.resolve("bundle");

    Cli.Result r = Cli.ok(root, "bundle", "-t", "c1", dir.toString(), "--", "/bin/sh", "-c", "echo hi");

    assertEquals(dir.toAbsolutePath().toString(), r.lastLine());
    JsonNode spec = JSON.readTree(Files.readAllBytes(dir.resolve("config.json")));
    assertEquals("[\"/bin/sh\",\"-c\",\"echo hi\"]", spec.at("/process/args").toString());
    assertTrue(spec.at("/process/terminal").asBoolean());
    assertEquals("c1", spec.get("hostname").asText());
    Path rootfs = Path.of(spec.at("/root/path").asText());
    assertTrue(Files.isDirectory(rootfs.resolve("data")), "the rootfs is mounted, volumes and all");
    List<String> destinations = spec.get("mounts").findValuesAsText("destination");
    assertTrue(destinations.containsAll(List.of("/proc", "/data", "/run")), destinations.toString());

    Cli.Result busy = Cli.run(root, "rm", "c1");
    assertEquals(ExitCodes.FAILED_PRECONDITION, busy.exit(), busy.toString());
    Cli.ok(root, "umount", "c1");
    Cli.ok(root, "rm", "c1");
  }

  @Test
  void bundle_ofMissingContainer_exitsNotFoundAndWritesNothing() {
    Path dir = tmp.resolve("bundle");

    Cli.Result r = Cli.run(root, "bundle", "nosuch", dir.toString(), "--", "/bin/true");

    assertEquals(ExitCodes.NOT_FOUND, r.exit(), r.toString());
    assertTrue(r.err().contains("no such container: nosuch"), r.err());
    assertFalse(Files.exists(dir));
  }

  @Test
  void bundle_intoDirectoryWithOtherFiles_exitsFailedPreconditionAndLeavesItUnmounted() throws Exception {
    Cli.ok(root, "create", "--name", "c1", AppImage.TAG);
    Path dir = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(dir.resolve("rootfs"), "not ours");

    Cli.Result r = Cli.run(root, "bundle", "c1", dir.toString(), "--", "/bin/true");

    assertEquals(ExitCodes.FAILED_PRECONDITION, r.exit(), r.toString());
    assertTrue(r.err().contains("holds rootfs"), r.err());
    Cli.ok(root, "rm", "c1"); // not mounted, so no -f needed
  }

  @Test
  void bundle_ofImageWithoutCommand_exitsInvalidArgumentAskingForOne() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("file"), "x");
    Cli.ok(root, "import", tree.toString(), "-t", "bare:1"); // an image config without Entrypoint or Cmd
    Cli.ok(root, "create", "--name", "c1", "bare:1");

    Cli.Result r = Cli.run(root, "bundle", "c1", tmp.resolve("bundle").toString());

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
    assertTrue(r.err().contains("give the command to run"), r.err());
    Cli.ok(root, "rm", "c1");
  }

  @Test
  void help_saysTheRootfsStaysMountedUntilUmount() {
    Cli.Result r = Cli.runRaw("bundle", "--help");

    assertEquals(0, r.exit(), r.toString());
    String text = r.out().replaceAll("\\s+", " ");
    assertTrue(text.contains("stays mounted") && text.contains("until `strata umount CONTAINER`"), r.out());
    assertTrue(r.out().contains("CONTAINER") && r.out().contains("DIR") && r.out().contains("--tty"), r.out());
  }
}
