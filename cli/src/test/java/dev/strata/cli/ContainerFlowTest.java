package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.files.MountTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job through the command: load, create, mount, write, diff, commit, save, reload. */
class ContainerFlowTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void loadCreateMountDiffCommitSave_intoFreshRoot_keepsImageIdAndDiffIds() throws Exception {
    Path root = tmp.resolve("root");
    Path archive = AppImage.dockerArchive(tmp.resolve("app.tar"));

    assertEquals(List.of("Loaded image: " + AppImage.TAG), Cli.ok(root, "load", "-i", archive.toString()).lines());
    List<String> images = Cli.ok(root, "images").lines();
    assertEquals(2, images.size(), images.toString());
    assertTrue(images.get(0).matches("REPOSITORY\\s+TAG\\s+IMAGE ID\\s+CREATED\\s+SIZE"), images.get(0));
    assertTrue(images.get(1).matches("test/app\\s+1\\.0\\s+" + AppImage.id().substring(7, 19) + "\\s+.*"),
        images.get(1));

    assertEquals("c1", Cli.ok(root, "create", "--name", "c1", AppImage.TAG).lastLine());
    Path rootfs = Path.of(Cli.ok(root, "mount", "c1").lastLine());
    assertTrue(Files.isDirectory(rootfs), rootfs.toString());
    assertFalse(Files.exists(rootfs.resolve("x")), "layer two whites out /x");
    assertEquals(List.of("new"), names(rootfs.resolve("opt")));
    Files.createDirectories(rootfs.resolve("root"));
    Files.writeString(rootfs.resolve("root/a.txt"), "added\n");
    Files.writeString(rootfs.resolve("etc/motd"), "changed in the container\n");
    Files.delete(rootfs.resolve("opt/new"));
    assertEquals("c1", Cli.ok(root, "umount", "c1").lastLine());

    assertEquals(List.of("C /etc", "C /etc/motd", "C /opt", "D /opt/new", "A /root", "A /root/a.txt"),
        Cli.ok(root, "diff", "c1").lines());

    String committed = Cli.ok(root, "commit", "c1", "test/app:2.0").lastLine();
    assertTrue(committed.matches("sha256:[0-9a-f]{64}"), committed);
    Path saved = tmp.resolve("saved.tar");
    Cli.ok(root, "save", "-o", saved.toString(), "test/app:2.0");
    assertTrue(Files.size(saved) > 0);

    Path fresh = tmp.resolve("fresh");
    assertEquals(List.of("Loaded image: test/app:2.0"), Cli.ok(fresh, "load", "-i", saved.toString()).lines());
    JsonNode before = image(root, "2.0");
    JsonNode after = image(fresh, "2.0");
    assertEquals(committed, after.get("image_id").asText());
    assertEquals(before.get("image_id"), after.get("image_id"));
    assertEquals(diffIds(root), diffIds(fresh));
    assertEquals(3, diffIds(fresh).size());
    assertEquals(AppImage.image().diffIds().get(1), diffIds(fresh).get(1));
  }

  /**
   * A container's root stays mounted for as long as it is counted, whatever runs meanwhile: the
   * commands after {@code mount} find themselves alone on the root, and sweep, yet leave the root in
   * place while something uses it (a running container, here an open file), mounted once.
   */
  @Test
  void mountedRootInUse_staysInPlaceThroughLaterCommandsAndCheck() throws Exception {
    ListedRoot s = new ListedRoot("overlay2", tmp.resolve("root"));
    s.ok("load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    s.ok("create", "--name", "c1", AppImage.TAG);
    Path rootfs = Path.of(s.ok("mount", "c1").lastLine());
    Files.writeString(rootfs.resolve("in-use"), "open while other commands run\n");

    try (var inUse = Files.newByteChannel(rootfs.resolve("in-use"))) {
      s.ok("ps");
      s.ok("images");
      ListedRoot.Check check = s.check(false);
      assertEquals(0, check.exit(), check.output());
      assertEquals(List.of(), check.kinds(), check.output());
      assertEquals(1, s.mounts("c1"));
      assertEquals(List.of(rootfs), MountTable.self().mountPointsUnder(s.root()), "the same root, mounted once");
    }
    s.ok("umount", "c1");
    assertEquals(List.of(), MountTable.self().mountPointsUnder(s.root()));
    s.ok("rm", "c1");
  }

  @Test
  void commit_ofContainer_appendsDiffIdAndHistoryToSourceConfig() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    Cli.ok(root, "create", "--name", "c1", AppImage.TAG);
    Path rootfs = Path.of(Cli.ok(root, "mount", "c1").lastLine());
    Files.writeString(rootfs.resolve("new-file"), "x\n");
    Cli.ok(root, "umount", "c1");
    Cli.ok(root, "commit", "c1", "test/app:2.0");

    Path saved = tmp.resolve("saved.tar");
    Cli.ok(root, "save", "-o", saved.toString(), "test/app:2.0");
    Set<String> entries = entryNames(saved);
    assertTrue(entries.contains("manifest.json") && entries.contains("index.json"), entries.toString());
    JsonNode layers = JSON.readTree(Cli.ok(root, "--format", "json", "layers").out());
    assertEquals(3, layers.size());
    JsonNode top = layers.get(2);
    assertEquals(3, top.get("depth").asInt());
    assertEquals("test/app:2.0", top.get("images").get(0).asText());
    assertEquals("c1", layers.get(1).get("containers").get(0).asText());
  }

  @Test
  void export_ofContainer_holdsImageFilesAndContainerChanges() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    Cli.ok(root, "create", "--name", "c1", AppImage.TAG);
    Path rootfs = Path.of(Cli.ok(root, "mount", "c1").lastLine());
    Files.writeString(rootfs.resolve("etc/added"), "from the container\n");
    Files.delete(rootfs.resolve("bin/sh"));
    Cli.ok(root, "umount", "c1");

    Path out = tmp.resolve("c1.tar");
    Cli.ok(root, "export", "c1", "-o", out.toString());

    Set<String> names = entryNames(out);
    assertTrue(names.containsAll(List.of("etc/added", "etc/motd", "etc/hostname", "opt/new", "etc/hosts", ".dockerenv")),
        names.toString());
    assertFalse(names.contains("bin/sh") || names.contains("x") || names.contains("opt/old"), names.toString());
    assertFalse(names.stream().anyMatch(n -> n.contains(".wh.")), names.toString());
  }

  @Test
  void exportAndDiff_ofMountedContainerWithVolume_leaveTheVolumesFilesOut() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    Cli.ok(root, "create", "--name", "c1", "-v", "data:/data", AppImage.TAG);
    Path rootfs = Path.of(Cli.ok(root, "mount", "c1").lastLine());
    Files.writeString(rootfs.resolve("data/w1.txt"), "in the volume\n");
    Files.writeString(rootfs.resolve("etc/added"), "from the container\n");

    Path out = tmp.resolve("c1.tar");
    Cli.ok(root, "export", "c1", "-o", out.toString());
    List<String> diff = Cli.ok(root, "diff", "c1").lines();
    Cli.ok(root, "rm", "-f", "c1");

    Set<String> names = entryNames(out);
    assertTrue(names.containsAll(List.of("data", "etc/added")), names.toString());
    assertFalse(names.contains("data/w1.txt"), names.toString());
    assertEquals(List.of("A /data", "C /etc", "A /etc/added"), diff);
    assertEquals(List.of(), MountTable.self().mountPointsUnder(tmp.toRealPath()));
  }

  @Test
  void rm_ofMountedContainer_exitsFailedPreconditionUnlessForced() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    Cli.ok(root, "create", "--name", "c1", AppImage.TAG);
    Cli.ok(root, "mount", "c1");

    Cli.Result refused = Cli.run(root, "rm", "c1");
    assertEquals(ExitCodes.FAILED_PRECONDITION, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("mounted"), refused.err());

    Cli.ok(root, "rm", "-f", "c1");
    assertEquals(ExitCodes.NOT_FOUND, Cli.run(root, "diff", "c1").exit());
    assertEquals(List.of(), JSON.readTree(Cli.ok(root, "--format", "json", "ps").out()).findValuesAsText("name"));
  }

  @Test
  void create_withoutName_generatesDockerStyleName() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());

    String name = Cli.ok(root, "create", AppImage.TAG).lastLine();

    assertTrue(name.matches("[a-z]+_[a-z]+"), name);
    JsonNode ps = JSON.readTree(Cli.ok(root, "--format", "json", "ps").out());
    assertEquals(name, ps.get(0).get("name").asText());
    assertEquals(AppImage.id(), ps.get(0).get("image_id").asText());
    assertEquals(AppImage.TAG, ps.get(0).get("image").asText());
  }

  @Test
  void container_record_isWrittenUnderRootContainers() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    Cli.ok(root, "create", "--name", "c1", AppImage.TAG);
    Cli.ok(root, "mount", "c1");

    JsonNode record = JSON.readTree(root.resolve("containers/c1/container.json").toFile());

    assertEquals("c1", record.get("name").asText());
    assertEquals(AppImage.id(), record.get("image").asText());
    assertEquals(1, JSON.readTree(Cli.ok(root, "--format", "json", "ps").out()).get(0).get("mounts").asInt());
    Cli.ok(root, "umount", "c1");
    Cli.ok(root, "rm", "c1");
    assertFalse(Files.exists(root.resolve("containers/c1")));
  }

  private static JsonNode image(Path root, String tag) throws Exception {
    for (JsonNode image : JSON.readTree(Cli.ok(root, "--format", "json", "images").out())) {
      if (image.get("tag").asText().equals(tag)) {
        return image;
      }
    }
    throw new AssertionError("no image tagged " + tag + " in " + root);
  }

  /** DiffIDs of the stack under the image tagged 2.0, base first, from {@code layers --format json}. */
  private static List<String> diffIds(Path root) throws Exception {
    JsonNode layers = JSON.readTree(Cli.ok(root, "--format", "json", "layers").out());
    List<String> ids = new ArrayList<>();
    for (JsonNode layer : layers) {
      ids.add(layer.get("depth").asInt() - 1, layer.get("diff_id").asText());
    }
    return ids;
  }

  private static List<String> names(Path dir) throws Exception {
    try (var entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The entry names of a tar, directories without their trailing slash. */
  private static Set<String> entryNames(Path tar) throws IOException {
    Set<String> names = new TreeSet<>();
    try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = entries.getNextEntry(); e != null; e = entries.getNextEntry()) {
        String name = e.getName();
        names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
      }
    }
    return names;
  }
}
