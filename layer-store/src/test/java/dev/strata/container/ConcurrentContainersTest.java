package dev.strata.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.Mounter;
import dev.strata.files.MountTable;
import dev.strata.image.ImageStore;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.Stress;
import dev.strata.volume.MountSpec;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import dev.strata.volume.VolumeStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One container store used from 16 threads at once: sibling containers on one image created,
 * mounted, unmounted and removed, with and without shared named and anonymous volumes, and one
 * container mounted from every thread. Afterwards the store is as it was before: no container, the
 * image's layer references only, no volume reference, no mount.
 */
class ConcurrentContainersTest {

  private static final String IMAGE = "test/app:1";
  private static final int THREADS = 16;

  @TempDir Path tmp;
  private Path root;
  private LayerStore layers;
  private ImageStore images;
  private VolumeStore volumes;
  private ContainerStore containers;
  private ChainId top;

  @BeforeEach
  void open() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "layers with owners and real mounts need root");
    root = tmp.resolve("root");
    layers = LayerStore.open(LayerStoreConfig.of(root, "vfs"));
    images = ImageStore.open(layers);
    volumes = VolumeStore.open(root);
    containers = ContainerStore.open(root, layers, images, volumes, Mounter.system());
    Layer layer = layers.register(new ByteArrayInputStream(layerTar()), Optional.empty(), Optional.empty());
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"" + layer.diffId() + "\"]}}";
    images.add(config.getBytes(StandardCharsets.UTF_8), List.of(IMAGE));
    layers.release(layer.chainId());
    top = layer.chainId();
  }

  @AfterEach
  void close() throws IOException {
    if (root == null) {
      return;
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
  void createMountRemove_siblingsFrom16Threads_leaveOnlyTheImage() throws Exception {
    int rounds = Stress.iterations(6);

    Stress.run(THREADS, Stress.deadline(Duration.ofSeconds(50)), thread -> {
      for (int i = 0; i < rounds; i++) {
        Container c = containers.create(Optional.of("c" + thread + "-" + i), IMAGE);
        Path rootfs = containers.mount(c);
        assertEquals("etc/hostname\n", Files.readString(rootfs.resolve("etc/hostname")));
        Files.writeString(rootfs.resolve("mine"), c.name());
        containers.unmount(c);
        containers.remove(c, false, false);
      }
    });

    assertNothingLeftButTheImage();
  }

  @Test
  void createMountRemove_siblingsWithSharedAndAnonymousVolumesFrom16Threads_keepNamedDataDropAnonymous()
      throws Exception {
    int rounds = Stress.iterations(4);

    Stress.run(THREADS, Stress.deadline(Duration.ofSeconds(50)), thread -> {
      for (int i = 0; i < rounds; i++) {
        String name = "c" + thread + "-" + i;
        Container c = containers.create(Optional.of(name), IMAGE, List.of(
            MountSpec.parseVolume("shared:/shared"),
            MountSpec.parseVolume("pair" + thread % 2 + ":/pair"),
            MountSpec.parseVolume("/anon")));
        Path rootfs = containers.mount(c);
        Files.writeString(rootfs.resolve("shared").resolve(name), name);
        Files.writeString(rootfs.resolve("pair").resolve(name), name);
        Files.writeString(rootfs.resolve("anon").resolve(name), name);
        containers.unmount(c);
        containers.remove(c, false, true);
      }
    });

    assertNothingLeftButTheImage();
    List<Volume> left = volumes.list(VolumeFilter.all());
    assertEquals(List.of("pair0", "pair1", "shared"), left.stream().map(Volume::name).toList(),
        "named volumes stay, every anonymous one went with rm -v");
    for (Volume v : left) {
      assertEquals(List.of(), List.copyOf(v.references()), v.name() + " references");
      assertEquals(List.of(), List.copyOf(v.mounts()), v.name() + " mounts");
    }
    List<String> expected = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < rounds; i++) {
        expected.add("c" + t + "-" + i);
      }
    }
    assertEquals(expected.stream().sorted().toList(), filesIn("shared"), "every container's file in the shared volume");
    assertEquals(expected.stream().filter(n -> Integer.parseInt(n.substring(1, n.indexOf('-'))) % 2 == 0)
        .sorted().toList(), filesIn("pair0"));
  }

  @Test
  void create_withVolumesWhilePruneLoops_neverLosesAVolumeToPrune() throws Exception {
    int rounds = Stress.iterations(5);
    java.util.concurrent.atomic.AtomicInteger working = new java.util.concurrent.atomic.AtomicInteger(THREADS);
    List<Stress.Worker> workers = new ArrayList<>();
    for (int w = 0; w < THREADS; w++) {
      workers.add(thread -> {
        try {
          for (int i = 0; i < rounds; i++) {
            String name = "c" + thread + "-" + i;
            Container c = containers.create(Optional.of(name), IMAGE, List.of(
                MountSpec.parseVolume("own" + name + ":/own"), MountSpec.parseVolume("/anon")));
            Path rootfs = containers.mount(c);
            Files.writeString(rootfs.resolve("own/f"), name);
            containers.unmount(c);
            containers.remove(c, false, true);
          }
        } finally {
          working.decrementAndGet();
        }
      });
    }
    workers.add(thread -> {
      while (working.get() > 0) {
        volumes.prune(new dev.strata.volume.PruneFilter(true, List.of(), List.of()));
      }
    });

    Stress.runEach(workers, Stress.deadline(Duration.ofSeconds(50)));

    assertNothingLeftButTheImage();
    for (Volume v : volumes.list(VolumeFilter.all())) {
      assertTrue(v.name().startsWith("own"), "only named volumes may outlive rm -v: " + v.name());
      assertEquals(v.name().substring(3), Files.readString(v.mountpoint().resolve("f")));
    }
  }

  @Test
  void mount_oneContainerWithAVolumeFrom16Threads_volumeVisibleInEveryMountAndAllDownAtTheEnd()
      throws Exception {
    Container c = containers.create(Optional.of("one"), IMAGE, List.of(MountSpec.parseVolume("data:/data")));
    Path data = root.resolve("volumes/data/_data");
    Files.writeString(data.resolve("marker"), "in the volume");
    int rounds = Stress.iterations(40);

    Stress.run(THREADS, Stress.deadline(Duration.ofSeconds(50)), thread -> {
      for (int i = 0; i < rounds; i++) {
        Path rootfs = containers.mount(c);
        assertEquals("in the volume", Files.readString(rootfs.resolve("data/marker")),
            "thread " + thread + " round " + i + ": the volume is mounted in the rootfs it was given");
        containers.unmount(c);
      }
    });

    assertEquals(0, containers.mountCount(c));
    assertEquals(List.of(), MountTable.self().mountPointsUnder(root));
    assertTrue(volumes.get("data").mounts().isEmpty(), "volume mounts: " + volumes.get("data").mounts());
    containers.remove(c, false, false);
    assertNothingLeftButTheImage();
  }

  private void assertNothingLeftButTheImage() throws IOException {
    assertEquals(List.of(), containers.list());
    assertEquals(List.of(top), layers.layers().stream().map(Layer::chainId).toList());
    assertEquals(1, layers.references(top), "the image's reference only");
    assertEquals(List.of(), layers.writeLayers().list());
    assertEquals(List.of(), MountTable.self().mountPointsUnder(root));
    try (Stream<Path> dirs = Files.list(root.resolve("vfs/dir"))) {
      assertEquals(1, dirs.count(), "driver layers: the image's only");
    }
  }

  private List<String> filesIn(String volume) throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("volumes").resolve(volume).resolve("_data"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** {@code /etc/hostname}. */
  private static byte[] layerTar() {
    return new LayerTarBuilder().dir("etc", 0755).file("etc/hostname", "etc/hostname\n", 0644).build();
  }
}
