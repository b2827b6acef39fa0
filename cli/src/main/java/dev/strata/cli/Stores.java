package dev.strata.cli;

import dev.strata.image.ImageArchives;
import dev.strata.image.ImageStore;
import dev.strata.layer.LayerStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What one command works on: the layer store of the root, its images, its archives and the
 * container records. Closing closes them all.
 */
final class Stores implements AutoCloseable {

  final LayerStore layers;
  final ImageStore images;
  final ImageArchives archives;
  final Containers containers;

  private Stores(LayerStore layers, ImageStore images, Containers containers) {
    this.layers = layers;
    this.images = images;
    this.archives = new ImageArchives(images);
    this.containers = containers;
  }

  static Stores open(LayerStore layers) throws IOException {
    try {
      ImageStore images = ImageStore.open(layers);
      return new Stores(layers, images, Containers.open(root(layers), layers, images));
    } catch (IOException | RuntimeException e) {
      layers.close();
      throw e;
    }
  }

  /** {@code <root>/tmp}: staging that the layer store sweeps on open. */
  Path tmp() {
    return root(layers).resolve("tmp");
  }

  @Override
  public void close() throws IOException {
    images.close();
    layers.close();
  }

  // metadataRoot is <root>/image/<driver>.
  private static Path root(LayerStore layers) {
    return layers.metadataRoot().getParent().getParent();
  }
}
