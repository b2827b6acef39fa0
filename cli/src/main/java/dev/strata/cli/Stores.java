package dev.strata.cli;

import dev.strata.container.ContainerStore;
import dev.strata.driver.Mounter;
import dev.strata.image.ImageArchives;
import dev.strata.image.ImageStore;
import dev.strata.layer.LayerStore;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What one command works on: the layer store of the root, its images, its archives and the
 * containers and the volumes. Closing closes them all.
 */
final class Stores implements AutoCloseable {

  final LayerStore layers;
  final ImageStore images;
  final ImageArchives archives;
  final VolumeStore volumes;
  final ContainerStore containers;

  private Stores(LayerStore layers, ImageStore images, VolumeStore volumes, ContainerStore containers) {
    this.layers = layers;
    this.images = images;
    this.archives = new ImageArchives(images);
    this.volumes = volumes;
    this.containers = containers;
  }

  static Stores open(LayerStore layers, Mounter mounter) throws IOException {
    try {
      ImageStore images = ImageStore.open(layers);
      VolumeStore volumes = VolumeStore.open(root(layers), mounter);
      return new Stores(layers, images, volumes,
          ContainerStore.open(root(layers), layers, images, volumes, mounter));
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
    volumes.close();
    images.close();
    layers.close();
  }

  // metadataRoot is <root>/image/<driver>.
  private static Path root(LayerStore layers) {
    return layers.metadataRoot().getParent().getParent();
  }
}
