package dev.strata.image;

import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A layer store (vfs), an image store and archives over one root, reopenable. */
final class Stores implements AutoCloseable {

  final Path root;
  final LayerStore layers;
  final ImageStore images;
  final ImageArchives archives;

  private Stores(Path root) throws IOException {
    this.root = root;
    this.layers = LayerStore.open(LayerStoreConfig.of(root, "vfs"));
    this.images = ImageStore.open(layers);
    this.archives = new ImageArchives(images);
  }

  static Stores open(Path root) throws IOException {
    return new Stores(root);
  }

  /** Closes and opens again, as after a restart. */
  Stores reopen() throws IOException {
    close();
    return new Stores(root);
  }

  /** Every layer with its reference count, to compare before and after an operation. */
  Map<String, Integer> layerCounts() throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (Layer layer : layers.layers()) {
      counts.put(layer.chainId().toString(), layers.references(layer.chainId()));
    }
    return counts;
  }

  List<ChainId> chainIds() throws IOException {
    return layers.layers().stream().map(Layer::chainId).sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
  }

  @Override
  public void close() throws IOException {
    images.close();
    layers.close();
  }
}
