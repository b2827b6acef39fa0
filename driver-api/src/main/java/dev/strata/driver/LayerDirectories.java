package dev.strata.driver;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Layers kept as one directory tree each, with a record beside them: a building block for drivers
 * whose layers are whole trees (vfs's copies, btrfs's subvolumes). Under the driver's home:
 *
 * <pre>
 * CONTENT/&lt;id&gt;/          the layer's tree (CONTENT is the driver's: dir, subvolumes)
 * meta/&lt;id&gt;.properties   parent, writable, depth (written atomically)
 * staging/              layers being built; swept on open
 * trash/                layers being discarded; swept on open
 * </pre>
 *
 * A layer is built in {@code staging/}, renamed into place and only then recorded; on removal it
 * is renamed into {@code trash/} and its record deleted before anything is discarded. A crash at
 * any point leaves the whole layer or something {@link #open} clears when asked to sweep:
 * leftovers in {@code staging/} and {@code trash/}, a record without its tree or a tree without
 * its record. It must not sweep while another process may be building or removing layers there.
 *
 * <p>Durability: each layer's record has its content flushed before its rename unless the caller
 * syncs instead ({@link DriverConfig#callerSyncs}); then a power cut may leave a record whose name
 * survived and whose content did not, found empty or zero-filled, and the sweep takes it for what
 * it is: a layer never made durable, removed with its tree.
 */
public final class LayerDirectories {

  private static final System.Logger LOG = System.getLogger(LayerDirectories.class.getName());

  /** What a driver's layer trees are made of, and how they are made, sealed and discarded. */
  public interface Trees {

    /** Makes {@code staging} a new layer's starting tree: its parent's copy or snapshot, or an empty 0755 root. */
    void start(Path staging, Optional<Path> parent) throws IOException;

    /**
     * Finishes a layer just renamed into place, and again on every open (so it must be idempotent):
     * btrfs makes an image layer's subvolume read-only. Nothing by default.
     */
    default void seal(Path dir, LayerInfo layer) throws IOException {}

    /** Undoes {@link #seal} so that the tree can be renamed away. Nothing by default. */
    default void unseal(Path dir) throws IOException {}

    /** Deletes whatever is at {@code path}: a layer's tree or a leftover; absent is not an error. */
    void discard(Path path) throws IOException;
  }

  /** What goes into a new layer once its tree has started in {@code staging}. */
  @FunctionalInterface
  public interface Fill<T> {
    T into(Path staging) throws IOException;
  }

  private final Path content;
  private final Path staging;
  private final Path trash;
  private final LayerRecords records;
  private final Trees trees;

  private LayerDirectories(String driver, Path home, String contentDir, Trees trees, boolean sweep,
      boolean flushRecords) throws IOException {
    this.content = home.resolve(contentDir);
    this.staging = home.resolve("staging");
    this.trash = home.resolve("trash");
    Path meta = home.resolve("meta");
    this.records = new LayerRecords(driver, contentDir + "/", meta, flushRecords);
    this.trees = Objects.requireNonNull(trees, "trees");
    for (Path dir : new Path[] {content, meta, staging, trash}) {
      Files.createDirectories(dir);
    }
    if (sweep) {
      emptyDir(staging);
      emptyDir(trash);
      reconcile(meta);
      for (LayerInfo layer : records.readAll().values()) {
        trees.seal(layerDir(layer.id()), layer);
      }
    }
  }

  /**
   * Opens the layer directories of {@code driver} under {@code home}, creating them when absent and,
   * when {@code sweep}, clearing what an interrupted process left.
   *
   * @param contentDir the directory under {@code home} that holds the layers' trees
   * @param sweep whether to sweep: only when no other process may be working in the home
   * @param flushRecords whether each record's content is flushed before its rename: {@code
   *     !config.callerSyncs()}
   */
  public static LayerDirectories open(String driver, Path home, String contentDir, Trees trees, boolean sweep,
      boolean flushRecords) throws IOException {
    return new LayerDirectories(driver, home, contentDir, trees, sweep, flushRecords);
  }

  /** The layers on disk now, by their records. */
  public Map<LayerId, LayerInfo> readLayers() throws IOException {
    return records.readAll();
  }

  public Path layerDir(LayerId id) {
    return content.resolve(id.value());
  }

  /** Where layers are built; a copy method detected here holds for the layers. */
  public Path staging() {
    return staging;
  }

  /**
   * Starts the layer's tree in staging, fills it, renames it into place, seals it and writes its
   * record. On any failure nothing of the layer is left.
   */
  public <T> T build(LayerInfo layer, Fill<T> fill) throws IOException {
    Path building = staging.resolve(layer.id().value());
    try {
      trees.discard(building);
      trees.start(building, layer.parent().map(this::layerDir));
      T result = fill.into(building);
      publish(layer, building);
      return result;
    } catch (IOException | RuntimeException | Error e) {
      try {
        trees.discard(building);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * A tree without a record is swept on open, so the record is written last. Renaming a directory
   * rewrites its {@code ..} entry, which a sealed (read-only) subvolume refuses, so the seal comes
   * after the rename.
   */
  private void publish(LayerInfo layer, Path building) throws IOException {
    Path dir = layerDir(layer.id());
    Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
    try {
      trees.seal(dir, layer);
      records.write(layer);
    } catch (IOException e) {
      try {
        trees.unseal(dir);
        trees.discard(moveToTrash(dir));
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Takes a layer out of place and its record away at once; the tree waits in the trash for {@link
   * #discard}. A crash between the unseal and the rename leaves an image layer unsealed, which the
   * next {@link #open} seals again.
   */
  public Path detach(LayerId id) throws IOException {
    Path dir = layerDir(id);
    trees.unseal(dir);
    Path away = moveToTrash(dir);
    records.delete(id);
    return away;
  }

  public void discard(Path detached) throws IOException {
    trees.discard(detached);
  }

  private Path moveToTrash(Path dir) throws IOException {
    Path away = trash.resolve(dir.getFileName() + "-" + UUID.randomUUID());
    Files.move(dir, away, StandardCopyOption.ATOMIC_MOVE);
    return away;
  }

  private void emptyDir(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        LOG.log(System.Logger.Level.INFO, "removing leftover {0}", entry);
        trees.discard(entry);
      }
    }
  }

  /**
   * A crash between the rename and the record write, or between the rename away and the record
   * delete; or a power cut before a record's deferred flush, leaving it empty or zeros.
   */
  private void reconcile(Path meta) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(meta)) {
      for (Path record : files) {
        String name = record.getFileName().toString();
        boolean complete = name.endsWith(LayerRecords.SUFFIX) && !name.startsWith(".")
            && Files.isDirectory(content.resolve(name.substring(0, name.length() - LayerRecords.SUFFIX.length())))
            && !LayerRecords.neverWritten(record);
        if (!complete) {
          LOG.log(System.Logger.Level.INFO, "removing layer record without a layer {0}", record);
          Files.delete(record);
        }
      }
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(content)) {
      for (Path dir : dirs) {
        if (!Files.exists(meta.resolve(dir.getFileName() + LayerRecords.SUFFIX))) {
          LOG.log(System.Logger.Level.INFO, "removing layer directory without a record {0}", dir);
          trees.unseal(dir);
          trees.discard(moveToTrash(dir));
        }
      }
    }
  }
}
