package dev.strata.bench.compare;

import dev.strata.image.Image;
import dev.strata.image.ImageArchives;
import dev.strata.image.ImageStore;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ImageArchives.load} of a docker-archive into an open store, as a runtime serving {@code
 * docker load} does it: extraction, digest checks, every layer registered (with the store's default
 * durability) and the image tagged. The images are removed after each run, their layers with them.
 */
final class LoadTrial implements Trial {

  private final LayerStore layers;
  private final ImageStore images;
  private final Path archive;
  private List<Image> loaded = List.of();

  private LoadTrial(LayerStore layers, ImageStore images, Path archive) {
    this.layers = layers;
    this.images = images;
    this.archive = archive;
  }

  static LoadTrial open(Path root, String driver, Path archive) throws IOException {
    LayerStore layers = LayerStore.open(LayerStoreConfig.of(root, driver));
    try {
      return new LoadTrial(layers, ImageStore.open(layers), archive);
    } catch (IOException | RuntimeException e) {
      layers.close();
      throw e;
    }
  }

  @Override
  public long timedNanos(int run) throws IOException {
    long start = System.nanoTime();
    loaded = new ImageArchives(images).load(archive);
    return System.nanoTime() - start;
  }

  @Override
  public void reset(int run) throws IOException {
    for (Image image : loaded) {
      images.remove(image.id().toString(), true);
    }
    loaded = List.of();
    if (!layers.layers().isEmpty()) {
      throw new IOException("layers left after removing the loaded images: " + layers.layers());
    }
  }

  @Override
  public void close() throws IOException {
    try {
      images.close();
    } finally {
      layers.close();
    }
  }
}
