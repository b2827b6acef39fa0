package dev.strata.usage;

import dev.strata.container.Container;
import dev.strata.container.ContainerStore;
import dev.strata.driver.Mounter;
import dev.strata.files.MountTable;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.posix.MountCalls;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.volume.MountSpec;
import dev.strata.volume.VolumeSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The stores of one root, and the store every usage test measures:
 *
 * <pre>
 * layers   base (a: 100 B) ── mid (b: 20 B) ── top (c: 3 B)      image app:1
 *               └─ other (d: 4000 B)                             image app:2
 *          solo (e: 5 B)                                         image solo:1
 * c1       from app:1, mounted, wrote 50 B, uses volume "full" (300 B)
 * c2       from app:1, unmounted, wrote 7 B
 * volumes  full (300 B, referenced by c1), loose (11 B, unreferenced)
 * </pre>
 */
final class UsageStores implements AutoCloseable {

  final Path root;
  final LayerStore layers;
  final ImageStore images;
  final VolumeStore volumes;
  final ContainerStore containers;

  UsageStores(Path root, String driver) throws IOException {
    this.root = root;
    this.layers = LayerStore.open(LayerStoreConfig.of(root, driver));
    this.images = ImageStore.open(layers);
    this.volumes = VolumeStore.open(root, Mounter.system());
    this.containers = ContainerStore.open(root, layers, images, volumes, Mounter.system());
  }

  StoreUsage usage() {
    return new StoreUsage(images, containers, volumes);
  }

  void buildTheStore() throws IOException {
    Layer base = layer(Optional.empty(), "a", 100);
    Layer mid = layer(Optional.of(base.chainId()), "b", 20);
    Layer top = layer(Optional.of(mid.chainId()), "c", 3);
    Layer other = layer(Optional.of(base.chainId()), "d", 4000);
    Layer solo = layer(Optional.empty(), "e", 5);
    image(List.of(base, mid, top), "2024-01-03T00:00:00Z", "app:1");
    image(List.of(base, other), "2024-01-02T00:00:00Z", "app:2");
    image(List.of(solo), "2024-01-01T00:00:00Z", "solo:1");
    for (Layer l : List.of(base, mid, top, other, solo)) {
      layers.release(l.chainId());
    }

    Container c1 = containers.create(Optional.of("c1"), "app:1", List.of(MountSpec.parseVolume("full:/data")));
    Path rootfs = containers.mount(c1);
    Files.write(rootfs.resolve("written"), new byte[50]);
    Files.write(rootfs.resolve("data/kept"), new byte[300]);

    Container c2 = containers.create(Optional.of("c2"), "app:1");
    Files.write(containers.mount(c2).resolve("x"), new byte[7]);
    containers.unmount(c2);

    volumes.create(new VolumeSpec(Optional.of("loose"), VolumeStore.LOCAL, Map.of(), Map.of()));
    Files.write(volumes.get("loose").mountpoint().resolve("f"), new byte[11]);
  }

  private Layer layer(Optional<ChainId> parent, String file, int bytes) throws IOException {
    return layers.register(new LayerTarBuilder().file(file, new byte[bytes], 0644).stream(), parent, Optional.empty());
  }

  private Image image(List<Layer> stack, String created, String tag) throws IOException {
    String diffIds = stack.stream().map(l -> "\"" + l.diffId() + "\"").collect(Collectors.joining(","));
    String cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"" + created + "\",\"config\":{},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}";
    return images.add(cfg.getBytes(StandardCharsets.UTF_8), List.of(tag));
  }

  /** Unmounts every container, closes the stores, and fails if a mount is left under {@code tmp}. */
  @Override
  public void close() throws IOException {
    for (Container c : containers.list()) {
      while (containers.mountCount(c) > 0) {
        containers.unmount(c);
      }
    }
    images.close();
    volumes.close();
    layers.close();
  }

  /** Detaches what a failed test left mounted under {@code dir}; returns what it found. */
  static List<Path> unmountLeftovers(Path dir) throws IOException {
    List<Path> left = MountTable.self().mountPointsUnder(dir);
    for (Path p : left) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    return left;
  }
}
