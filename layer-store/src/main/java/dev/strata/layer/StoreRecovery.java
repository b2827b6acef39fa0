package dev.strata.layer;

import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.files.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs when a store opens: deletes what an interrupted register, commit or removal left behind.
 * Metadata is published last and unpublished first, so a driver layer that no published layer or
 * container names is a leftover and goes; half-written metadata lives only in {@code tmp/}.
 */
final class StoreRecovery {

  private static final System.Logger LOG = System.getLogger(StoreRecovery.class.getName());

  private final LayerDb db;
  private final GraphDriver driver;
  private final Path tmp;

  StoreRecovery(LayerDb db, GraphDriver driver, Path tmp) {
    this.db = db;
    this.driver = driver;
    this.tmp = tmp;
  }

  /** Returns how many leftovers were removed. */
  int run() throws IOException {
    int swept = db.sweep();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
      for (Path p : entries) {
        FileTrees.delete(p);
        swept++;
      }
    }
    Set<LayerId> known = new HashSet<>();
    for (ChainId id : db.list()) {
      db.read(id).ifPresent(r -> known.add(r.cacheId()));
    }
    for (String name : db.listMounts()) {
      var w = db.readMount(name);
      if (w.isPresent()) {
        known.add(LayerId.of(w.get().mountId()));
        known.add(LayerId.of(w.get().initId()));
      }
    }
    List<LayerId> orphans = new ArrayList<>();
    for (LayerId id : driver.layers()) {
      if (!known.contains(id)) {
        orphans.add(id);
      }
    }
    // Children before parents: a driver refuses to remove a layer that has children.
    List<LayerId> ordered = new ArrayList<>(orphans);
    Comparator<LayerId> byDepth = Comparator.comparingInt(id -> depth(id));
    ordered.sort(byDepth.reversed());
    for (LayerId id : ordered) {
      LOG.log(System.Logger.Level.INFO, () -> "removing driver layer " + id + " that no layer or container names (interrupted operation)");
      driver.remove(id);
      swept++;
    }
    return swept;
  }

  private int depth(LayerId id) {
    try {
      return driver.info(id).depth();
    } catch (IOException e) {
      // An unreadable record sorts last; removing it then reports the real problem.
      LOG.log(System.Logger.Level.WARNING, () -> "cannot read driver layer " + id + ": " + e.getMessage());
      return 0;
    }
  }
}
