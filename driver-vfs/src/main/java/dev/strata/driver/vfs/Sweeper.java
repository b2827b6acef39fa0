package dev.strata.driver.vfs;

import dev.strata.files.MountTable;
import dev.strata.driver.LayerRecords;
import dev.strata.files.FileTrees;
import dev.strata.driver.Mounter;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Cleans up what an interrupted process left in a home before the driver uses it: bind mounts of
 * views, half-built layers in {@code staging/}, half-deleted ones in {@code trash/}, and a layer
 * directory or a record whose partner is missing (a crash between the rename and the record write,
 * or between the rename away and the record delete).
 */
final class Sweeper {

  private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

  private final VfsHome home;
  private final MountTable mountTable;
  private final Mounter mounter;

  Sweeper(VfsHome home, MountTable mountTable, Mounter mounter) {
    this.home = home;
    this.mountTable = mountTable;
    this.mounter = mounter;
  }

  void sweep() throws IOException {
    unmountStale();
    emptyDir(home.mnt());
    emptyDir(home.staging());
    emptyDir(home.trash());
    reconcile();
  }

  /** Views of a previous process are still mounted; nobody holds a reference to them any more. */
  private void unmountStale() throws IOException {
    for (Path point : mountTable.mountPointsUnder(home.root())) {
      LOG.log(System.Logger.Level.INFO, "unmounting stale vfs view {0}", point);
      mounter.unmount(point);
    }
  }

  private void emptyDir(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        LOG.log(System.Logger.Level.INFO, "removing leftover {0}", entry);
        FileTrees.delete(entry);
      }
    }
  }

  private void reconcile() throws IOException {
    try (DirectoryStream<Path> records = Files.newDirectoryStream(home.meta())) {
      for (Path record : records) {
        String name = record.getFileName().toString();
        boolean complete = name.endsWith(LayerRecords.SUFFIX) && !name.startsWith(".")
            && Files.isDirectory(home.dir().resolve(name.substring(0, name.length() - LayerRecords.SUFFIX.length())));
        if (!complete) {
          LOG.log(System.Logger.Level.INFO, "removing layer record without a layer {0}", record);
          Files.delete(record);
        }
      }
    }
    try (DirectoryStream<Path> layers = Files.newDirectoryStream(home.dir())) {
      for (Path layer : layers) {
        if (!Files.exists(home.meta().resolve(layer.getFileName() + LayerRecords.SUFFIX))) {
          LOG.log(System.Logger.Level.INFO, "removing layer directory without a record {0}", layer);
          Path away = home.trash().resolve(layer.getFileName() + "-" + UUID.randomUUID());
          Files.move(layer, away, StandardCopyOption.ATOMIC_MOVE);
          FileTrees.delete(away);
        }
      }
    }
  }
}
