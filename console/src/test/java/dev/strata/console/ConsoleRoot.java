package dev.strata.console;

import dev.strata.image.ImageArchives;
import dev.strata.image.ImageStore;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import dev.strata.volume.MountSpec;
import dev.strata.volume.VolumeSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A root on the vfs driver with what every page shows, and a console serving it on a free port of
 * 127.0.0.1: image {@code app:1} (two layers) used by container {@code web}, which uses volume
 * {@code data}; image {@code base:1} (sharing app's base layer) used by nobody; volume {@code
 * scratch} used by nobody.
 */
final class ConsoleRoot implements AutoCloseable {

  static final SampleImage APP = SampleImage.twoLayers("app:1");
  static final SampleImage BASE = SampleImage.of(List.of(SampleLayers.base()), "base only", "base:1");

  final Path root;
  final LayerStoreConfig config;
  final ConsoleServer server;

  private ConsoleRoot(Path root, LayerStoreConfig config, ConsoleServer server) {
    this.root = root;
    this.config = config;
    this.server = server;
  }

  static ConsoleRoot start(Path dir, boolean readOnly) throws IOException {
    Path root = dir.resolve("root");
    LayerStoreConfig config = LayerStoreConfig.of(root, "vfs");
    load(config, dir.resolve("archive"), APP, BASE);
    try (OpenStores s = OpenStores.open(config)) {
      s.volumes.create(new VolumeSpec(Optional.of("data"), VolumeStore.LOCAL, Map.of(), Map.of("app", "web")));
      s.volumes.create(new VolumeSpec(Optional.of("scratch"), VolumeStore.LOCAL, Map.of(), Map.of()));
      s.containers.create(Optional.of("web"), "app:1", List.of(MountSpec.parseVolume("data:/data")));
    }
    return new ConsoleRoot(root, config,
        ConsoleServer.start(new InetSocketAddress("127.0.0.1", 0), config, readOnly));
  }

  /** Loads images as {@code strata load} does, through the library, in a store of its own. */
  static void load(LayerStoreConfig config, Path scratch, SampleImage... images) throws IOException {
    ArchiveBuilder archive = new ArchiveBuilder(ArchiveBuilder.Form.BLOBS);
    for (SampleImage image : images) {
      archive.image(image);
    }
    Files.createDirectories(scratch);
    Path tar = archive.writeTar(Files.createTempFile(scratch, "archive", ".tar"));
    try (LayerStore layers = LayerStore.open(config); ImageStore store = ImageStore.open(layers)) {
      new ImageArchives(store).load(tar);
    }
  }

  URI uri(String path) {
    return server.uri().resolve(path);
  }

  OpenStores stores() throws IOException {
    return OpenStores.open(config);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
