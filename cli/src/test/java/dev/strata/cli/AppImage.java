package dev.strata.cli;

import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.SampleImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The image most of the command's tests load: {@code test/app:1.0}, the fixtures' two layers
 * (layer two whites out {@code /x} and makes {@code /opt} opaque), saved as {@code docker save} up
 * to Docker 24 writes it.
 */
final class AppImage {

  static final String TAG = "test/app:1.0";

  private AppImage() {}

  static SampleImage image() {
    return SampleImage.twoLayers(TAG);
  }

  /** The image ID, {@code sha256:<hex>}. */
  static String id() {
    return image().id();
  }

  /** The docker-archive at {@code file}, for {@code strata load -i}. */
  static Path dockerArchive(Path file) throws IOException {
    return new ArchiveBuilder(Form.LEGACY).image(image()).writeTar(file);
  }
}
