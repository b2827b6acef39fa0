package dev.strata.driver.overlay2;

import dev.strata.driver.LayerId;
import dev.strata.driver.Mounter;
import dev.strata.files.FileTrees;
import dev.strata.files.MountTable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Cleans up what an interrupted process left before the driver uses its home: mounts other than
 * layers' views (those {@link Overlay2Driver} settles against their counts), half-built layers in {@code
 * .staging/}, half-deleted ones in {@code .trash/}, directories without a layer record, short links
 * whose layer is gone, and layers whose short link is missing (a crash between the rename and the
 * link), which get it back.
 */
final class Sweeper {

  private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

  private final OverlayHome home;
  private final MountTable mountTable;
  private final Mounter mounter;
  private final LayerBuilder builder;

  Sweeper(OverlayHome home, MountTable mountTable, Mounter mounter, LayerBuilder builder) {
    this.home = home;
    this.mountTable = mountTable;
    this.mounter = mounter;
    this.builder = builder;
  }

  void sweep() throws IOException {
    // A layer's view may be counted as mounted and in use (Overlay2Driver settles those); any other
    // mount point in here is a leftover, and must go before the directories holding it do.
    for (Path point : mountTable.mountPointsUnder(home.root())) {
      if (!isLayerView(point)) {
        LOG.log(System.Logger.Level.INFO, "unmounting stale overlay2 mount {0}", point);
        mounter.unmount(point);
      }
    }
    emptyDir(home.staging());
    emptyDir(home.trash());
    Map<String, LayerId> links = new HashMap<>();
    for (Path dir : home.layerDirs()) {
      String name = dir.getFileName().toString();
      if (!Files.exists(dir.resolve(LayerFiles.PROPERTIES))) {
        LOG.log(System.Logger.Level.INFO, "removing layer directory without a record {0}", dir);
        Path away = home.trash().resolve(name + "-" + UUID.randomUUID());
        Files.move(dir, away, StandardCopyOption.ATOMIC_MOVE);
        FileTrees.delete(away);
        continue;
      }
      links.put(LayerFiles.readLink(dir), LayerId.of(name));
    }
    try (DirectoryStream<Path> existing = Files.newDirectoryStream(home.links())) {
      for (Path link : existing) {
        String name = link.getFileName().toString();
        if (!links.containsKey(name) || !Files.isDirectory(link)) {
          LOG.log(System.Logger.Level.INFO, "removing short link without a layer {0}", link);
          Files.delete(link);
        } else {
          links.remove(name);
        }
      }
    }
    for (Map.Entry<String, LayerId> missing : links.entrySet()) {
      LOG.log(System.Logger.Level.INFO, "restoring short link l/{0} of layer {1}", missing.getKey(), missing.getValue());
      builder.link(missing.getKey(), missing.getValue());
    }
  }

  private static void emptyDir(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
          LOG.log(System.Logger.Level.INFO, "removing leftover {0}", entry);
          FileTrees.delete(entry);
        }
      }
    }
  }

  /** {@code <home>/<id>/merged} of a layer with a record. */
  private boolean isLayerView(Path point) {
    Path dir = point.getParent();
    return point.getFileName().toString().equals("merged") && dir != null && home.root().equals(dir.getParent())
        && Files.exists(dir.resolve(LayerFiles.PROPERTIES));
  }
}
