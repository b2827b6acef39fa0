package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.Digest;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A vfs layer store and an image store under a test's temp dir, for pulling into, with the checks
 * every pull test makes: a failed pull leaves both stores exactly as they were and no
 * {@code <root>/tmp/image-pull-*} behind; a pulled image is the pushed one, layer tar for layer tar.
 *
 * <pre>{@code
 * PullStores.Snapshot before = stores.snapshot();
 * assertThrows(CorruptException.class, () -> client.pull(stores.images(), name));
 * stores.assertUnchangedSince(before);
 * }</pre>
 */
final class PullStores implements AutoCloseable {

  /** Layers (with their reference counts) and images, as a failed pull must leave them. */
  record Snapshot(Map<ChainId, Integer> references, List<Layer> layers, List<Image> images) {}

  private final Path root;
  private final LayerStore layers;
  private final ImageStore images;

  private PullStores(Path root, LayerStore layers, ImageStore images) {
    this.root = root;
    this.layers = layers;
    this.images = images;
  }

  /** Opens stores under {@code dir/store}; skips the test unless root, which the vfs driver needs. */
  static PullStores open(Path dir) throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")), "the vfs layer store needs root (CI runs as root)");
    Path root = dir.resolve("store");
    LayerStore layers = LayerStore.open(LayerStoreConfig.of(root, "vfs"));
    try {
      return new PullStores(root, layers, ImageStore.open(layers));
    } catch (IOException | RuntimeException e) {
      layers.close();
      throw e;
    }
  }

  ImageStore images() {
    return images;
  }

  LayerStore layers() {
    return layers;
  }

  Snapshot snapshot() throws IOException {
    Map<ChainId, Integer> references = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    for (Layer layer : layers.layers()) {
      references.put(layer.chainId(), layers.references(layer.chainId()));
    }
    return new Snapshot(references, layers.layers(), images.images());
  }

  /** The stores hold exactly what they held at {@code before}, and no pull staging is left. */
  void assertUnchangedSince(Snapshot before) throws IOException {
    assertEquals(before, snapshot(), "a failed pull changed the stores");
    assertNoStaging();
  }

  void assertNoStaging() throws IOException {
    Path tmp = root.resolve("tmp");
    if (!Files.isDirectory(tmp)) {
      return;
    }
    try (Stream<Path> entries = Files.list(tmp)) {
      assertEquals(List.of(), entries.filter(p -> p.getFileName().toString().startsWith("image-pull-")).toList(),
          "pull staging left under " + tmp);
    }
  }

  /**
   * The store holds {@code image} as pushed: its id is the config's sha256, its config the same
   * bytes, its DiffIDs the config's, and each layer exports as exactly the uncompressed tar pushed.
   */
  void assertHolds(PullResult result, TestImage image, List<byte[]> layerTars) throws IOException {
    assertEquals(image.configDigest(), result.imageId().digest().toString(), "image id = sha256(config)");
    assertArrayEquals(image.config(), images.config(result.imageId()));
    Image stored = images.get(result.imageId().toString());
    assertEquals(image.diffIds().stream().map(Digest::parse).toList(), stored.diffIds());
    List<ChainId> chains = stored.chainIds();
    assertEquals(layerTars.size(), chains.size());
    for (int i = 0; i < chains.size(); i++) {
      ByteArrayOutputStream exported = new ByteArrayOutputStream();
      layers.export(chains.get(i), exported);
      assertArrayEquals(layerTars.get(i), exported.toByteArray(), "layer " + i + " exports as pushed");
    }
  }

  @Override
  public void close() throws IOException {
    try (LayerStore l = layers) {
      images.close();
    }
  }
}
