package dev.strata.driver.btrfs;

import dev.strata.driver.LayerRecords;
import dev.strata.driver.LayerInfo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Cleans up what an interrupted process left in a home before the driver uses it: half-built
 * subvolumes in {@code staging/}, half-destroyed ones in {@code trash/}, and a subvolume or a record
 * whose partner is missing (a crash between the rename and the record write, or between the rename
 * away and the record delete). Views are plain directories, so no mount is ever left behind.
 */
final class Sweeper {

  private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

  private final BtrfsHome home;
  private final LayerSubvolumes layers;
  private final LayerRecords records;

  Sweeper(BtrfsHome home, LayerSubvolumes layers, LayerRecords records) {
    this.home = home;
    this.layers = layers;
    this.records = records;
  }

  void sweep() throws IOException {
    emptyDir(home.staging());
    emptyDir(home.trash());
    reconcile();
    for (LayerInfo info : records.readAll().values()) {
      layers.restoreReadOnly(info);
    }
  }

  private void emptyDir(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        LOG.log(System.Logger.Level.INFO, "removing leftover {0}", entry);
        layers.discard(entry);
      }
    }
  }

  private void reconcile() throws IOException {
    try (DirectoryStream<Path> records = Files.newDirectoryStream(home.meta())) {
      for (Path record : records) {
        String name = record.getFileName().toString();
        boolean complete = name.endsWith(LayerRecords.SUFFIX) && !name.startsWith(".")
            && Files.isDirectory(home.subvolumes().resolve(
                name.substring(0, name.length() - LayerRecords.SUFFIX.length())));
        if (!complete) {
          LOG.log(System.Logger.Level.INFO, "removing layer record without a subvolume {0}", record);
          Files.delete(record);
        }
      }
    }
    try (DirectoryStream<Path> subvolumes = Files.newDirectoryStream(home.subvolumes())) {
      for (Path layer : subvolumes) {
        if (!Files.exists(home.meta().resolve(layer.getFileName() + LayerRecords.SUFFIX))) {
          LOG.log(System.Logger.Level.INFO, "removing subvolume without a record {0}", layer);
          Path away = home.trash().resolve(layer.getFileName() + "-" + UUID.randomUUID());
          layers.makeMovable(layer);
          Files.move(layer, away, StandardCopyOption.ATOMIC_MOVE);
          layers.discard(away);
        }
      }
    }
  }
}
