package dev.strata.registry;

import dev.strata.driver.Digest;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.testing.LayerTarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

/** A vfs layer store and image store over one root, and images built in it for push tests. */
final class LocalImages implements AutoCloseable {

  final Path root;
  final LayerStore layers;
  final ImageStore images;

  private LocalImages(Path root) throws IOException {
    this.root = root;
    this.layers = LayerStore.open(LayerStoreConfig.of(root, "vfs"));
    this.images = ImageStore.open(layers);
  }

  static LocalImages open(Path root) throws IOException {
    return new LocalImages(root);
  }

  /**
   * Adds an image of {@code count} layers, each one file of {@code bytes} pseudo-random
   * (incompressible) bytes from {@code seed}, tagged {@code tag}.
   */
  Image add(String tag, int count, int bytes, long seed) throws IOException {
    Random random = new Random(seed);
    List<Digest> diffIds = new ArrayList<>();
    Optional<ChainId> parent = Optional.empty();
    List<ChainId> taken = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] content = new byte[bytes];
      random.nextBytes(content);
      byte[] tar = new LayerTarBuilder().file("layer" + i + ".bin", content, 0644).build();
      Layer layer = layers.register(new ByteArrayInputStream(tar), parent, Optional.empty());
      taken.add(layer.chainId());
      diffIds.add(layer.diffId());
      parent = Optional.of(layer.chainId());
    }
    String ids = diffIds.stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(", "));
    String config = "{\"architecture\": \"amd64\", \"os\": \"linux\", \"created\": \"2024-01-02T03:04:05Z\","
        + " \"config\": {\"Labels\": {\"seed\": \"" + seed + "\"}},"
        + " \"rootfs\": {\"type\": \"layers\", \"diff_ids\": [" + ids + "]}}\n";
    Image image = images.add(config.getBytes(StandardCharsets.UTF_8), List.of(tag));
    for (ChainId c : taken) {
      layers.release(c);
    }
    return image;
  }

  /** The layer's tar as the store exports it. */
  byte[] export(ChainId chain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    layers.export(chain, out);
    return out.toByteArray();
  }

  @Override
  public void close() throws IOException {
    images.close();
    layers.close();
  }
}
