package dev.strata.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.Change;
import dev.strata.driver.Mounter;
import dev.strata.files.MountTable;
import dev.strata.image.ImageStore;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import dev.strata.tar.LayerDiffer;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.volume.MountSpec;
import dev.strata.volume.VolumeStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A mounted container's volumes are not its changes, on every driver: {@code docker diff}, {@code
 * docker commit} and {@code docker export} never show what a volume, bind or tmpfs holds. On vfs
 * and btrfs the root filesystem is the layer directory and the volumes are mounted inside it, so
 * this is where a walk that crossed mount points would show them; overlay2 is held to the same.
 *
 * <p>The container has a named volume on a directory the image lacks ({@code /data}), a volume over
 * an image directory ({@code /var/lib/app}, populated from it), a bind of a host directory on the
 * store's own filesystem ({@code /host}: the same {@code st_dev}, which only the mount table tells
 * apart) and a tmpfs ({@code /scratch}); a file is written into each and one into the rootfs.
 */
abstract class MountedVolumesDiffContract {

  private static final String IMAGE = "test/app:1";
  private static final String NAME = "c1";

  private Path base;
  private LayerStore layers;
  private ImageStore images;
  private VolumeStore volumes;
  private ContainerStore containers;
  private Container container;
  private Path rootfs;

  /** An empty directory of this test's own on the filesystem the driver needs. */
  abstract Path base() throws IOException;

  abstract String driver();

  @BeforeEach
  void mountContainer() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "real mounts need root");
    base = base();
    Path root = base.resolve("root");
    layers = LayerStore.open(LayerStoreConfig.of(root, driver()));
    images = ImageStore.open(layers);
    volumes = VolumeStore.open(root);
    containers = ContainerStore.open(root, layers, images, volumes, Mounter.system());
    Layer layer = layers.register(new ByteArrayInputStream(imageTar()), Optional.empty(), Optional.empty());
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"" + layer.diffId() + "\"]}}";
    images.add(config.getBytes(StandardCharsets.UTF_8), List.of(IMAGE));
    layers.release(layer.chainId());

    Path host = Files.createDirectories(base.resolve("host"));
    container = containers.create(Optional.of(NAME), IMAGE, List.of(
        MountSpec.parseVolume("data:/data"),
        MountSpec.parseVolume("app:/var/lib/app"),
        MountSpec.parseVolume(host + ":/host"),
        MountSpec.parseTmpfs("/scratch")));
    rootfs = containers.mount(container);
    Files.writeString(rootfs.resolve("data/w1.txt"), "volume");
    Files.writeString(rootfs.resolve("var/lib/app/w2.txt"), "image-dir volume");
    Files.writeString(rootfs.resolve("host/w3.txt"), "bind");
    Files.writeString(rootfs.resolve("scratch/w4.txt"), "tmpfs");
    Files.writeString(rootfs.resolve("etc/motd"), "rootfs");
  }

  @AfterEach
  void unmountContainer() throws IOException {
    if (layers == null) {
      return;
    }
    containers.unmount(container);
    volumes.close();
    images.close();
    layers.close();
    List<Path> left = MountTable.self().mountPointsUnder(base.toRealPath());
    for (Path p : left) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), left, "mounts left behind");
  }

  @Test
  void changes_mountedWithVolumes_listsMountPointsNotVolumeContent() throws IOException {
    List<String> changes = layers.writeLayers().changes(NAME).stream().map(Change::toString).toList();

    assertEquals(List.of("A /data", "C /etc", "A /etc/motd", "A /host", "A /scratch"), changes);
  }

  @Test
  void diff_mountedWithVolumes_tarHoldsRootfsChangeOnly() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    long bytes = layers.writeLayers().diff(NAME, out);

    assertEquals(List.of("data/", "etc/", "etc/motd", "host/", "scratch/"), names(out.toByteArray()));
    assertEquals("rootfs".length(), bytes);
    assertEquals("rootfs".length(), layers.writeLayers().size(NAME));
  }

  @Test
  void commit_mountedWithVolumes_layerHoldsRootfsChangeOnly() throws IOException {
    Layer committed = layers.writeLayers().commit(NAME);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    layers.export(committed.chainId(), out);

    assertEquals(List.of("data/", "etc/", "etc/motd", "host/", "scratch/"), names(out.toByteArray()));
    layers.release(committed.chainId());
  }

  /** What {@code strata export} writes: the flattened rootfs, without what is mounted in it. */
  @Test
  void export_mountedWithVolumes_flattensImageAndChangesWithoutVolumeContent() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    new LayerDiffer().writeDiff(Optional.empty(), rootfs, out);

    // The init layer's placeholders (.dockerenv, /dev, /etc/hosts, ...) are there as in Docker's export.
    assertEquals(List.of(".dockerenv", "data/", "dev/", "dev/console", "dev/pts/", "dev/shm/", "etc/",
        "etc/hostname", "etc/hosts", "etc/motd", "etc/mtab", "etc/resolv.conf", "host/", "proc/", "scratch/", "sys/",
        "var/", "var/lib/", "var/lib/app/", "var/lib/app/seed"), names(out.toByteArray()));
  }

  private static List<String> names(byte[] tar) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }

  /** {@code /etc/hostname} and {@code /var/lib/app/seed}. */
  private static byte[] imageTar() {
    return new LayerTarBuilder()
        .dir("etc", 0755).dir("var", 0755).dir("var/lib", 0755).dir("var/lib/app", 0755)
        .file("etc/hostname", "etc/hostname\n", 0644)
        .file("var/lib/app/seed", "var/lib/app/seed\n", 0644)
        .build();
  }
}
