package dev.strata.check;

import dev.strata.container.ContainerStore;
import dev.strata.driver.Mounter;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.testing.LayerTarBuilder;
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
 * The stores of one vfs root, opened as a runtime would, for making a store and then breaking it
 * by hand; and {@link #check} to run {@link StoreCheck} on it once they are closed.
 */
final class CheckStores implements AutoCloseable {

  final Path root;
  final LayerStore layers;
  final ImageStore images;
  final VolumeStore volumes;
  final ContainerStore containers;

  private CheckStores(Path root, LayerStoreConfig config) throws IOException {
    this.root = root;
    this.layers = LayerStore.open(config);
    this.images = ImageStore.open(layers);
    this.volumes = VolumeStore.open(root, Mounter.system());
    this.containers = ContainerStore.open(root, layers, images, volumes, Mounter.system());
  }

  static CheckStores open(Path root) throws IOException {
    return new CheckStores(root, config(root, Map.of()));
  }

  static CheckStores open(Path root, Map<String, String> storageOptions) throws IOException {
    return new CheckStores(root, config(root, storageOptions));
  }

  static LayerStoreConfig config(Path root, Map<String, String> storageOptions) {
    return new LayerStoreConfig(root, Optional.of("vfs"), storageOptions, Mounter.system());
  }

  /** Runs the check on a root whose stores are closed; content is verified. */
  static CheckReport check(Path root, boolean repair) throws IOException {
    return check(config(root, Map.of()), repair);
  }

  static CheckReport check(LayerStoreConfig config, boolean repair) throws IOException {
    return new StoreCheck(config, Mounter.system())
        .run(new CheckOptions(repair, true, CheckOptions.Progress.NONE));
  }

  /** Registers a one-file layer on {@code parent}; the store keeps it only while an image holds it. */
  Layer layer(Optional<ChainId> parent, String file, String content) throws IOException {
    return layers.register(new LayerTarBuilder().file(file, content, 0644).stream(), parent, Optional.empty());
  }

  /** Adds an image of {@code stack} (bottom first) with {@code tags}, and drops the registration references. */
  Image image(List<Layer> stack, String created, String... tags) throws IOException {
    String diffIds = stack.stream().map(l -> "\"" + l.diffId() + "\"").collect(Collectors.joining(","));
    String cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"" + created + "\",\"config\":{},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}";
    return images.add(cfg.getBytes(StandardCharsets.UTF_8), List.of(tags));
  }

  /** The layer record directory of {@code chain}. */
  Path record(ChainId chain) {
    return root.resolve("image/vfs/layerdb/sha256").resolve(chain.digest().hex());
  }

  /** The vfs directory holding {@code chain}'s files. */
  Path driverDir(ChainId chain) throws IOException {
    return root.resolve("vfs/dir").resolve(Files.readString(record(chain).resolve("cache-id")).trim());
  }

  @Override
  public void close() throws IOException {
    images.close();
    volumes.close();
    layers.close();
  }

  /** The findings of {@code kind}, by subject. */
  static List<String> subjects(CheckReport report, FindingKind kind) {
    return report.findings().stream().filter(f -> f.kind() == kind).map(Finding::subject).toList();
  }

  /** Kind and subject of every finding, for comparing a report with an exact expectation. */
  static List<String> kinds(CheckReport report) {
    return report.findings().stream().map(f -> f.kind() + " " + f.subject()).sorted().toList();
  }
}
