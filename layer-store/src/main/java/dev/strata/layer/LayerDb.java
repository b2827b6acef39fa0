package dev.strata.layer;

import dev.strata.driver.Digest;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.CorruptException;
import dev.strata.files.AtomicFiles;
import dev.strata.files.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The layer store's metadata on disk, one small file per fact as Docker's layerdb keeps it:
 * {@code sha256/<chain>/{diff,size,cache-id,parent,depth,references,tar-split.json.gz,blobs.json}} and {@code
 * mounts/<container>/{mount-id,init-id,parent,mount-count}}. A layer or mount directory is assembled under
 * {@code tmp/} and renamed into place; removal renames it back into {@code tmp/} first. Whatever
 * is in {@code tmp/} at open is a leftover and is deleted.
 */
final class LayerDb {

  static final String TAR_SPLIT = "tar-split.json.gz";

  private final Path layers;
  private final Path mounts;
  private final Path tmp;

  LayerDb(Path root) throws IOException {
    this.layers = Files.createDirectories(root.resolve("sha256"));
    this.mounts = Files.createDirectories(root.resolve("mounts"));
    this.tmp = Files.createDirectories(root.resolve("tmp"));
  }

  /** Deletes leftovers of interrupted registers, commits and removals; returns how many. */
  int sweep() throws IOException {
    int swept = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
      for (Path p : entries) {
        FileTrees.delete(p);
        swept++;
      }
    }
    return swept;
  }

  /** What an interrupted operation left in {@code tmp/} (what {@link #sweep} would delete). */
  List<Path> leftovers() throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
      entries.forEach(found::add);
    }
    return found;
  }

  /** A fresh directory under tmp/ for assembling files (e.g. a tar-split record being written). */
  Path newStagingDir() throws IOException {
    return Files.createDirectory(tmp.resolve(UUID.randomUUID().toString()));
  }

  Optional<LayerRecord> read(ChainId chainId) throws IOException {
    Path dir = layers.resolve(chainId.digest().hex());
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try {
      Digest diffId = Digest.parse(AtomicFiles.readString(dir.resolve("diff")));
      long size = Long.parseLong(AtomicFiles.readString(dir.resolve("size")));
      int depth = Integer.parseInt(AtomicFiles.readString(dir.resolve("depth")));
      LayerId cacheId = LayerId.of(AtomicFiles.readString(dir.resolve("cache-id")));
      int refs = Integer.parseInt(AtomicFiles.readString(dir.resolve("references")));
      Path parentFile = dir.resolve("parent");
      Optional<ChainId> parent = Files.exists(parentFile)
          ? Optional.of(ChainId.parse(AtomicFiles.readString(parentFile)))
          : Optional.empty();
      return Optional.of(new LayerRecord(new Layer(chainId, diffId, parent, size, depth), cacheId, refs));
    } catch (NoSuchFileException e) {
      if (!Files.isDirectory(dir)) {
        return Optional.empty(); // removed by another process while it was being read
      }
      throw new CorruptException(chainId.toString(),
          "metadata of layer " + chainId + " in " + dir + " is damaged: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CorruptException(chainId.toString(),
          "metadata of layer " + chainId + " in " + dir + " is damaged: " + e.getMessage(), e);
    }
  }

  /**
   * The driver id a layer record names, read on its own, so that a record damaged elsewhere still
   * says which driver layer is its; empty when the {@code cache-id} file itself is missing or bad.
   */
  Optional<LayerId> cacheIdOf(ChainId chainId) throws IOException {
    Path file = layers.resolve(chainId.digest().hex()).resolve("cache-id");
    try {
      return Optional.of(LayerId.of(AtomicFiles.readString(file)));
    } catch (NoSuchFileException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Writes a layer's record into {@code staging} (which may already hold the tar-split record).
   * Plain writes: the directory is invisible until {@link #publish}, and the store flushes it once,
   * with the layer's files, before publishing (a file-by-file fsync cost a dozen syncs a layer).
   */
  void stage(LayerRecord record, Path staging) throws IOException {
    Layer l = record.layer();
    Files.writeString(staging.resolve("diff"), l.diffId().toString());
    Files.writeString(staging.resolve("size"), Long.toString(l.size()));
    Files.writeString(staging.resolve("depth"), Integer.toString(l.depth()));
    Files.writeString(staging.resolve("cache-id"), record.cacheId().value());
    Files.writeString(staging.resolve("references"), Integer.toString(record.references()));
    if (l.parent().isPresent()) {
      Files.writeString(staging.resolve("parent"), l.parent().get().toString());
    }
  }

  /** Publishes a staged layer: the rename makes it exist, the directory's fsync makes that durable. */
  void publish(ChainId chainId, Path staging) throws IOException {
    AtomicFiles.move(staging, layers.resolve(chainId.digest().hex()));
  }

  void writeReferences(ChainId chainId, int count) throws IOException {
    AtomicFiles.writeString(layers.resolve(chainId.digest().hex()).resolve("references"), Integer.toString(count));
  }

  /** Unpublishes a layer's metadata by renaming it into tmp/, then deletes it. */
  void remove(ChainId chainId) throws IOException {
    Path doomed = tmp.resolve("removing-" + chainId.digest().hex() + "-" + UUID.randomUUID());
    AtomicFiles.move(layers.resolve(chainId.digest().hex()), doomed);
    FileTrees.delete(doomed);
  }

  /** The directory of a layer's record; it exists only while the layer is published. */
  Path recordDir(ChainId chainId) {
    return layers.resolve(chainId.digest().hex());
  }

  Optional<Path> tarSplit(ChainId chainId) {
    Path p = layers.resolve(chainId.digest().hex()).resolve(TAR_SPLIT);
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }

  List<ChainId> list() throws IOException {
    List<ChainId> ids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(layers)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        // Only published layers are named by a digest; anything else is not ours to list.
        if (name.matches("[0-9a-f]{64}")) {
          ids.add(new ChainId(new Digest("sha256", name)));
        }
      }
    }
    return ids;
  }

  Optional<WriteLayer> readMount(String container) throws IOException {
    Path dir = mounts.resolve(container);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try {
      Path parentFile = dir.resolve("parent");
      Optional<ChainId> parent = Files.exists(parentFile)
          ? Optional.of(ChainId.parse(AtomicFiles.readString(parentFile)))
          : Optional.empty();
      return Optional.of(new WriteLayer(container, parent,
          AtomicFiles.readString(dir.resolve("mount-id")), AtomicFiles.readString(dir.resolve("init-id"))));
    } catch (NoSuchFileException e) {
      if (!Files.isDirectory(dir)) {
        return Optional.empty(); // removed by another process while it was being read
      }
      throw new CorruptException(container,
          "metadata of container " + container + " in " + dir + " is damaged: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CorruptException(container,
          "metadata of container " + container + " in " + dir + " is damaged: " + e.getMessage(), e);
    }
  }

  void createMount(WriteLayer w) throws IOException {
    Path staging = newStagingDir();
    AtomicFiles.writeString(staging.resolve("mount-id"), w.mountId());
    AtomicFiles.writeString(staging.resolve("init-id"), w.initId());
    if (w.parent().isPresent()) {
      AtomicFiles.writeString(staging.resolve("parent"), w.parent().get().toString());
    }
    AtomicFiles.move(staging, mounts.resolve(w.container()));
  }

  /** Persisted mount references of a container's view; 0 when never recorded. */
  int mountCount(String container) throws IOException {
    Path file = mounts.resolve(container).resolve("mount-count");
    try {
      return Integer.parseInt(AtomicFiles.readString(file));
    } catch (NoSuchFileException e) {
      return 0;
    } catch (NumberFormatException e) {
      throw new CorruptException(container, "mount count of container " + container + " is damaged: " + e.getMessage(), e);
    }
  }

  void writeMountCount(String container, int count) throws IOException {
    AtomicFiles.writeString(mounts.resolve(container).resolve("mount-count"), Integer.toString(count));
  }

  void removeMount(String container) throws IOException {
    Path doomed = tmp.resolve("removing-mount-" + container + "-" + UUID.randomUUID());
    AtomicFiles.move(mounts.resolve(container), doomed);
    FileTrees.delete(doomed);
  }

  List<String> listMounts() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(mounts)) {
      for (Path p : entries) {
        names.add(p.getFileName().toString());
      }
    }
    return names;
  }
}
