package dev.strata.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.Mounter;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.files.MountTable;
import dev.strata.image.ImageStore;
import dev.strata.json.Json;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.volume.MountSpec;
import dev.strata.volume.VolumeStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles written for real containers: the config.json, the counted mount, and what is refused. */
class RuntimeBundlesTest {

  private static final String IMAGE = "test/runnable:1";
  private static final String CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
      + "\"Entrypoint\":[\"/bin/init\"],\"Cmd\":[\"serve\"],\"Env\":[\"PATH=/bin\",\"MODE=prod\"],"
      + "\"WorkingDir\":\"srv\",\"User\":\"app\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}";

  @TempDir Path tmp;
  private Path root;
  private LayerStore layers;
  private ImageStore images;
  private VolumeStore volumes;
  private ContainerStore containers;
  private RuntimeBundles bundles;

  @BeforeEach
  void open() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "layers with owners and real mounts need root");
    root = tmp.resolve("root");
    layers = LayerStore.open(LayerStoreConfig.of(root, "vfs"));
    images = ImageStore.open(layers);
    volumes = VolumeStore.open(root);
    containers = ContainerStore.open(root, layers, images, volumes, Mounter.system());
    bundles = new RuntimeBundles(containers, images, volumes);
    Layer layer = layers.register(new ByteArrayInputStream(new LayerTarBuilder()
        .dir("etc", 0755)
        .file("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/srv:/bin/sh\n", 0644)
        .file("etc/group", "app:x:1000:\nstaff:x:50:app\n", 0644)
        .build()), Optional.empty(), Optional.empty());
    images.add(String.format(CONFIG, layer.diffId()).getBytes(StandardCharsets.UTF_8), List.of(IMAGE));
    layers.release(layer.chainId());
  }

  @AfterEach
  void close() throws IOException {
    if (root == null) {
      return;
    }
    for (Container c : containers.list()) {
      containers.remove(c, true, true);
    }
    volumes.close();
    images.close();
    layers.close();
    List<Path> left = MountTable.self().mountPointsUnder(tmp);
    for (Path p : left) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), left, "mounts left behind");
  }

  @Test
  void write_ofContainerWithEveryMountKind_writesTheSpecAndCountsOneMount() throws IOException {
    Path host = Files.createDirectories(tmp.resolve("host"));
    Container c = containers.create(Optional.of("web"), IMAGE, List.of(
        MountSpec.parseVolume("data:/var/lib/data"),
        MountSpec.parseVolume(host + ":/srv/host:ro,z,rslave"),
        MountSpec.parseTmpfs("/run:size=1m,mode=1777"),
        MountSpec.parseVolume("logs:/var/lib/data/logs:ro")));
    Path bundle = tmp.resolve("bundles/web");

    Path config = bundles.write(c, bundle, List.of(), false);

    assertEquals(bundle.resolve("config.json"), config);
    assertEquals(1, containers.mountCount(c));
    Path rootfs = layers.writeLayers().mount("web");
    layers.writeLayers().unmount("web");
    JsonNode spec = Json.parse(Files.readAllBytes(config), "config.json");
    String data = root.resolve("volumes/data/_data").toAbsolutePath().toString();
    String logs = root.resolve("volumes/logs/_data").toAbsolutePath().toString();
    assertEquals(Json.parse(("""
        {"terminal":false,"user":{"uid":1000,"gid":1000,"additionalGids":[50]},
         "args":["/bin/init","serve"],"env":["HOSTNAME=web","PATH=/bin","MODE=prod"],"cwd":"/srv"}""")
        .getBytes(StandardCharsets.UTF_8), "expected"), withoutDefaults(spec.get("process")));
    assertEquals(rootfs.toAbsolutePath().toString(), spec.at("/root/path").asText());
    assertEquals(false, spec.at("/root/readonly").asBoolean(true));
    assertEquals("web", spec.get("hostname").asText());
    assertEquals(List.of(
        "/proc proc proc [nosuid, noexec, nodev]",
        "/dev tmpfs tmpfs [nosuid, strictatime, mode=755, size=65536k]",
        "/sys sysfs sysfs [nosuid, noexec, nodev, ro]",
        "/run tmpfs tmpfs [size=1m, mode=1777]",
        "/dev/pts devpts devpts [nosuid, noexec, newinstance, ptmxmode=0666, mode=0620, gid=5]",
        "/dev/shm tmpfs shm [nosuid, noexec, nodev, mode=1777, size=65536k]",
        "/dev/mqueue mqueue mqueue [nosuid, noexec, nodev]",
        "/srv/host bind " + host + " [rbind, ro, rro, rslave]",
        "/sys/fs/cgroup cgroup cgroup [nosuid, noexec, nodev, relatime, ro]",
        "/var/lib/data bind " + data + " [rbind, rprivate]",
        "/var/lib/data/logs bind " + logs + " [rbind, ro, rro, rprivate]"), mounts(spec));
    assertEquals("system_u:object_r:container_file_t:s0", spec.at("/linux/mountLabel").asText());
    assertEquals("rslave", spec.at("/linux/rootfsPropagation").asText());
    assertEquals("1.0.2-dev", spec.get("ociVersion").asText());
  }

  @Test
  void write_ofContainerWithPrivateLabel_givesItsLevelAsMountLabel() throws IOException {
    Path host = Files.createDirectories(tmp.resolve("private"));
    Container c = containers.create(Optional.of("labelled"), IMAGE, List.of(MountSpec.parseVolume(host + ":/p:Z")));

    JsonNode spec = Json.parse(Files.readAllBytes(bundles.write(c, tmp.resolve("b"), List.of(), false)), "config.json");

    assertTrue(c.mountLabel().orElseThrow().matches("s0:c[0-9]+,c[0-9]+"), c.mountLabel().toString());
    assertEquals("system_u:object_r:container_file_t:" + c.mountLabel().get(), spec.at("/linux/mountLabel").asText());
    assertTrue(spec.at("/linux/rootfsPropagation").isMissingNode(), "rprivate binds need no propagation of the root");
  }

  @Test
  void write_withCommandAndTerminal_keepsTheEntrypointAndAddsTerm() throws IOException {
    Container c = containers.create(Optional.of("cmd"), IMAGE);

    JsonNode spec = Json.parse(Files.readAllBytes(bundles.write(c, tmp.resolve("b"), List.of("sh", "-c", "x"), true)),
        "config.json");

    assertEquals("[\"/bin/init\",\"sh\",\"-c\",\"x\"]", spec.at("/process/args").toString());
    assertTrue(spec.at("/process/terminal").asBoolean());
    assertEquals("[\"HOSTNAME=cmd\",\"TERM=xterm\",\"PATH=/bin\",\"MODE=prod\"]", spec.at("/process/env").toString());
    assertTrue(spec.at("/linux/mountLabel").isMissingNode());
  }

  @Test
  void write_again_replacesTheConfigAndCountsAnotherMount() throws IOException {
    Container c = containers.create(Optional.of("twice"), IMAGE);
    Path bundle = tmp.resolve("b");
    bundles.write(c, bundle, List.of("first"), false);

    bundles.write(c, bundle, List.of("second"), false);

    assertEquals(2, containers.mountCount(c));
    assertEquals(List.of("config.json"), names(bundle));
    assertTrue(Files.readString(bundle.resolve("config.json")).contains("\"second\""));
  }

  @Test
  void write_intoADirectoryHoldingOtherFiles_throwsFailedPreconditionAndMountsNothing() throws IOException {
    Container c = containers.create(Optional.of("busy"), IMAGE);
    Path bundle = Files.createDirectories(tmp.resolve("b"));
    Files.writeString(bundle.resolve("notes"), "mine");

    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> bundles.write(c, bundle, List.of(), false));

    assertTrue(e.getMessage().contains("holds notes"), e.getMessage());
    assertEquals(0, containers.mountCount(c));
    assertEquals(List.of("notes"), names(bundle));
  }

  @Test
  void write_whenTheUserIsMissingFromTheRootfs_throwsInvalidArgumentAndUnmountsAgain() throws IOException {
    Container c = containers.create(Optional.of("nouser"), IMAGE);
    Path rootfs = containers.mount(c);
    Files.delete(rootfs.resolve("etc/passwd"));
    containers.unmount(c);

    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> bundles.write(c, tmp.resolve("b"), List.of(), false));

    assertTrue(e.getMessage().contains("unable to find user app"), e.getMessage());
    assertEquals(0, containers.mountCount(c));
    assertEquals(List.of(), names(tmp.resolve("b")));
  }

  @Test
  void env_withImageVariablesOfTheSameNames_keepsEachNameOnceTheImagesValueInTheDefaultsPlace() {
    assertEquals(List.of("HOSTNAME=mine", "TERM=dumb", "PATH=/bin", "A=1"),
        RuntimeBundles.env(List.of("PATH=/bin", "TERM=dumb", "A=0", "HOSTNAME=mine", "A=1"), "c1", true));
    assertEquals(List.of(RuntimeBundles.DEFAULT_PATH, "HOSTNAME=c1"), RuntimeBundles.env(List.of(), "c1", false));
  }

  private static JsonNode withoutDefaults(JsonNode process) {
    com.fasterxml.jackson.databind.node.ObjectNode copy = process.deepCopy();
    copy.remove(List.of("capabilities", "rlimits", "noNewPrivileges"));
    return copy;
  }

  private static List<String> mounts(JsonNode spec) {
    return java.util.stream.StreamSupport.stream(spec.get("mounts").spliterator(), false)
        .map(m -> m.get("destination").asText() + " " + m.get("type").asText() + " " + m.get("source").asText() + " "
            + java.util.stream.StreamSupport.stream(m.get("options").spliterator(), false).map(JsonNode::asText).toList())
        .toList();
  }

  private static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
