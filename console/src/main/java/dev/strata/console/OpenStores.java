package dev.strata.console;

import dev.strata.container.ContainerStore;
import dev.strata.image.ImageStore;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.volume.VolumeStore;
import java.io.IOException;

/**
 * The stores of the root, open for one request. Opening them takes only shared holds, and each
 * store refreshes from disk when another process changed it, so what a request answers is what
 * the root holds now.
 */
final class OpenStores implements AutoCloseable {

  final LayerStore layers;
  final ImageStore images;
  final VolumeStore volumes;
  final ContainerStore containers;

  private OpenStores(LayerStore layers, ImageStore images, VolumeStore volumes, ContainerStore containers) {
    this.layers = layers;
    this.images = images;
    this.volumes = volumes;
    this.containers = containers;
  }

  static OpenStores open(LayerStoreConfig config) throws IOException {
    LayerStore layers = LayerStore.open(config);
    ImageStore images = null;
    VolumeStore volumes = null;
    try {
      images = ImageStore.open(layers);
      volumes = VolumeStore.open(config.root(), config.mounter());
      ContainerStore containers = ContainerStore.open(config.root(), layers, images, volumes, config.mounter());
      return new OpenStores(layers, images, volumes, containers);
    } catch (IOException | RuntimeException e) {
      if (volumes != null) {
        volumes.close();
      }
      if (images != null) {
        images.close();
      }
      try {
        layers.close();
      } catch (IOException | RuntimeException c) {
        e.addSuppressed(c);
      }
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    volumes.close();
    images.close();
    layers.close();
  }
}
