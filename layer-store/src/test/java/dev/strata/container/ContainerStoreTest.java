package dev.strata.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.Mount;
import dev.strata.driver.Mounter;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.files.MountTable;
import dev.strata.image.ImageStore;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.volume.MountSpec;
import dev.strata.volume.VolumeFilter;
import dev.strata.volume.VolumeSpec;
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

/** The container API a runtime embeds: create with mounts, mount, mounts as data, recovery, removal. */
class ContainerStoreTest {

  private static final String IMAGE = "test/app:1";

  @TempDir Path tmp;
  private Path root;
  private LayerStore layers;
  private ImageStore images;
  private VolumeStore volumes;
  private ContainerStore containers;

  @BeforeEach
  void open() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "layers with owners and real mounts need root");
    root = tmp.resolve("root");
    openStores();
    Layer layer = layers.register(new ByteArrayInputStream(layerTar()), Optional.empty(), Optional.empty());
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"" + layer.diffId() + "\"]}}";
    images.add(config.getBytes(StandardCharsets.UTF_8), List.of(IMAGE));
    layers.release(layer.chainId());
  }

  @AfterEach
  void close() throws IOException {
    if (root == null) {
      return;
    }
    closeStores();
    List<Path> left = MountTable.self().mountPointsUnder(tmp);
    for (Path p : left) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), left, "mounts left behind");
  }

  @Test
  void mounts_ofContainer_describeItsVolumesBindsAndTmpfsInsideTheRootfs() throws IOException {
    Path host = Files.createDirectories(tmp.resolve("host"));
    Container c = containers.create(Optional.of("c1"), IMAGE, List.of(
        MountSpec.parseTmpfs("/run:size=1m"),
        MountSpec.parseVolume("data:/var/lib/app:ro"),
        MountSpec.parseVolume(host + ":/h:rshared")));
    Path rootfs = tmp.resolve("rootfs");

    List<Mount> mounts = containers.mounts(c, rootfs);

    assertEquals(List.of(
        new Mount("tmpfs", "tmpfs", rootfs.resolve("run"), List.of("size=1m")),
        new Mount("bind", host.toString(), rootfs.resolve("h"), List.of("rbind", "rshared")),
        new Mount("bind", root.resolve("volumes/data/_data").toString(), rootfs.resolve("var/lib/app"),
            List.of("rbind", "ro", "rro"))), mounts);
    assertEquals(List.of("c1"), List.copyOf(volumes.get("data").references()));
  }

  @Test
  void create_failingOnALaterVolume_undoesEverything() throws IOException {
    volumes.create(new VolumeSpec(Optional.of("taken"), VolumeStore.LOCAL, java.util.Map.of(),
        java.util.Map.of("k", "v")));

    assertThrows(AlreadyExistsException.class, () -> containers.create(Optional.of("c1"), IMAGE, List.of(
        MountSpec.parseVolume("/anon"),
        MountSpec.parseVolume("fresh:/fresh"),
        MountSpec.parseMount("type=volume,src=taken,dst=/t,volume-label=k=other"))));

    assertFalse(containers.exists("c1"));
    assertEquals(List.of("fresh", "taken"), volumes.list(VolumeFilter.all()).stream().map(v -> v.name()).toList(),
        "the anonymous volume is gone, the named ones stay");
    assertTrue(volumes.get("fresh").references().isEmpty());
  }

  @Test
  void open_afterDriverSweptTheBinds_mountsTheVolumesAgain() throws IOException {
    Container c = containers.create(Optional.of("c1"), IMAGE, List.of(MountSpec.parseVolume("data:/data")));
    Path rootfs = containers.mount(c);
    Files.writeString(rootfs.resolve("data/file"), "kept");

    closeStores();
    openStores();

    assertEquals(1, containers.mountCount(containers.get("c1")));
    assertEquals("kept", Files.readString(rootfs.resolve("data/file")));
    containers.unmount(containers.get("c1"));
    assertEquals(List.of(), MountTable.self().mountPointsUnder(root.resolve("vfs")));
    assertTrue(volumes.get("data").mounts().isEmpty());
  }

  @Test
  void remove_withVolumes_deletesOnlyItsAnonymousOnesAndReleasesTheRest() throws IOException {
    Container a = containers.create(Optional.of("a1"), IMAGE, List.of(
        MountSpec.parseVolume("/anon"), MountSpec.parseVolume("shared:/s")));
    containers.create(Optional.of("b1"), IMAGE, List.of(MountSpec.parseVolume("shared:/s")));

    containers.remove(a, false, true);

    assertEquals(List.of("shared"), volumes.list(VolumeFilter.all()).stream().map(v -> v.name()).toList());
    assertEquals(List.of("b1"), List.copyOf(volumes.get("shared").references()));
  }

  @Test
  void open_afterCreateKilledBeforeItsRecord_dropsTheVolumeReferencesItTook() throws IOException {
    containers.create(Optional.of("a1"), IMAGE, List.of(MountSpec.parseVolume("shared:/s")));
    volumes.acquire("shared", "killed"); // a create killed after taking the volume, before its record

    closeStores();
    openStores();

    assertEquals(List.of("a1"), List.copyOf(volumes.get("shared").references()));
  }

  @Test
  void open_afterCreateKilledBeforeItsWriteLayer_leavesNoContainer() throws IOException {
    containers.create(Optional.of("a1"), IMAGE, List.of(MountSpec.parseVolume("shared:/s")));
    layers.writeLayers().remove("a1"); // the record and references written, the write layer not yet

    closeStores();
    openStores();

    assertEquals(List.of(), containers.list());
    assertEquals(List.of(), ContainerStore.recordNames(root));
    assertEquals(List.of(), List.copyOf(volumes.get("shared").references()));
  }

  private void openStores() throws IOException {
    layers = LayerStore.open(LayerStoreConfig.of(root, "vfs"));
    images = ImageStore.open(layers);
    volumes = VolumeStore.open(root);
    containers = ContainerStore.open(root, layers, images, volumes, Mounter.system());
  }

  private void closeStores() throws IOException {
    volumes.close();
    images.close();
    layers.close();
  }

  /** {@code /etc/hostname} and {@code /var/lib/app/seed}. */
  private static byte[] layerTar() {
    return new LayerTarBuilder()
        .dir("etc", 0755).dir("var", 0755).dir("var/lib", 0755).dir("var/lib/app", 0755)
        .file("etc/hostname", "etc/hostname\n", 0644)
        .file("var/lib/app/seed", "var/lib/app/seed\n", 0644)
        .build();
  }
}
