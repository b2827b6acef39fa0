package dev.strata.cli;

import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.SampleImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

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

  /**
   * Asserts that a container's mounted root holds the image's files, whole: a write layer whose
   * copy of the image did not reach the disk shows here as empty or missing files.
   */
  static void assertRootfs(Path rootfs) throws IOException {
    Map<String, String> files = Map.of("bin/sh", "#!/bin/true\n", "etc/hostname", "base\n",
        "etc/motd", "hello from layer two\n", "opt/new", "only this in /opt\n");
    for (Map.Entry<String, String> f : files.entrySet()) {
      assertEquals(f.getValue(), Files.readString(rootfs.resolve(f.getKey())), "/" + f.getKey() + " in the container");
    }
    assertFalse(Files.exists(rootfs.resolve("x"), LinkOption.NOFOLLOW_LINKS), "/x is whited out");
    assertFalse(Files.exists(rootfs.resolve("opt/old"), LinkOption.NOFOLLOW_LINKS), "/opt is opaque");
  }

  /** The docker-archive at {@code file}, for {@code strata load -i}. */
  static Path dockerArchive(Path file) throws IOException {
    return new ArchiveBuilder(Form.LEGACY).image(image()).writeTar(file);
  }
}
