package dev.strata.layer;

import dev.strata.archive.Change;
import dev.strata.archive.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Content-addressed read-only layers and per-container write layers over one graph driver.
 *
 * <h2>Read-only layers</h2>
 * {@link #register} applies a layer tar on top of a parent and returns the {@link Layer}, known by
 * its {@link ChainId}. Registering content already present on the same parent returns the existing
 * layer (one copy on disk). Every register adds one reference; {@link #release} drops one, and the
 * last release removes the layer and every ancestor no longer referenced or used.
 *
 * <h2>Write layers</h2>
 * {@link #createWriteLayer} gives a container a writable layer on an image's top layer, with an
 * init layer in between that an {@link InitHook} fills. {@link #mount}, {@link #changes}, {@link
 * #diff} and {@link #commit} work on it by container name.
 *
 * <h2>On disk</h2>
 * {@code <root>/image/<driver>/layerdb/sha256/<chain>/{diff,size,cache-id,parent,references,tar-split.gz}}
 * and {@code layerdb/mounts/<container>/{mount-id,init-id,parent}}; every file is written to a
 * staging name and renamed, so a crash leaves either the old or the new state, and leftovers are
 * swept on open.
 *
 * <p>Thread-safe. Errors are {@link dev.strata.driver.error.StorageException}s.
 */
public final class LayerStore implements AutoCloseable {

  /** Opens (creating if needed) the store at {@code config.root()}. */
  public static LayerStore open(LayerStoreConfig config) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** The driver serving this store, and why it was chosen. */
  public String driverName() {
    throw new UnsupportedOperationException("todo");
  }

  /** Key facts for {@code strata info}: driver, why it was chosen, its status, limits. */
  public Map<String, String> status() {
    throw new UnsupportedOperationException("todo");
  }

  /** {@code <root>/image/<driver>}: where the image store keeps its own metadata. */
  public Path metadataRoot() {
    throw new UnsupportedOperationException("todo");
  }

  /** The deepest image stack accepted (room is kept for the init and write layers). */
  public int maxDepth() {
    throw new UnsupportedOperationException("todo");
  }

  /**
   * Applies {@code tar} (plain or compressed) on {@code parent} and adds a reference to the result.
   *
   * @param expectedDiffId when present, the tar must hash to it ({@code CorruptException} otherwise),
   *     and a layer already registered with this chain is returned after draining the stream
   * @throws dev.strata.driver.error.NotFoundException if {@code parent} is unknown
   * @throws dev.strata.driver.error.FailedPreconditionException if the stack would be too deep
   * @throws dev.strata.driver.error.CorruptException if the tar is broken, hostile or mismatched
   */
  public Layer register(InputStream tar, Optional<ChainId> parent, Optional<Digest> expectedDiffId)
      throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  public Optional<Layer> get(ChainId chainId) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** Every registered layer. */
  public List<Layer> layers() throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** Current references of a layer (registers and retains minus releases). */
  public int references(ChainId chainId) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** Adds a reference to an existing layer. */
  public void retain(ChainId chainId) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /**
   * Drops a reference; returns the layers removed as a result (the layer and ancestors no longer
   * referenced, used by a child or under a write layer), top first.
   */
  public List<ChainId> release(ChainId chainId) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /**
   * Writes the layer's tar: the very bytes it was registered from when a record of them was kept
   * (verified against the DiffID), else a fresh diff.
   *
   * @throws dev.strata.driver.error.CorruptException if the data on disk no longer matches the DiffID
   */
  public void export(ChainId chainId, OutputStream out) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** Creates a container's write layer (and its init layer) on {@code parent}. */
  public WriteLayer createWriteLayer(String container, Optional<ChainId> parent, InitHook init,
      Map<String, String> storageOptions) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  public Optional<WriteLayer> writeLayer(String container) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  public List<WriteLayer> writeLayers() throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** Mounts the container's root filesystem (reference counted) and returns its path. */
  public Path mount(String container) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  public void unmount(String container) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** The container's changes against its image, init layer excluded. */
  public List<Change> changes(String container) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** Writes the container's changes as a layer tar; returns content bytes. */
  public long diff(String container, OutputStream out) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** Bytes of content the container has written (its diff size). */
  public long size(String container) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** Registers the container's diff as a new read-only layer on its image (one reference). */
  public Layer commit(String container) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  /** Removes the container's write and init layers. */
  public void removeWriteLayer(String container) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  @Override
  public void close() throws IOException {
    throw new UnsupportedOperationException("todo");
  }
}
