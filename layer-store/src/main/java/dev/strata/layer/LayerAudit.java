package dev.strata.layer;

import dev.strata.driver.Capability;
import dev.strata.driver.Digest;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.CorruptException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * The layer store's records read below its public API, for {@code strata check}: every layer
 * record with its driver id and references, damaged records, driver layers no record names,
 * containers' write layers with their persisted mount counts, and the leftovers of interrupted
 * operations. Obtained from {@link LayerStore#audit()}; open the store with {@link
 * LayerStore#openForAudit} to see what a crash left. The repairs here change metadata only as the
 * store itself would, under the store's lock, and never touch layer content.
 */
public final class LayerAudit {

  /**
   * A readable layer record.
   *
   * @param cacheId the driver's id of the layer's directory
   * @param references the persisted reference count
   * @param dataPresent whether the driver has the layer
   */
  public record StoredLayer(Layer layer, String cacheId, int references, boolean dataPresent) {
    public StoredLayer {
      Objects.requireNonNull(layer, "layer");
      Objects.requireNonNull(cacheId, "cacheId");
    }
  }

  /** A layer record that cannot be read, and why. */
  public record DamagedLayer(ChainId chainId, String problem) {
    public DamagedLayer {
      Objects.requireNonNull(chainId, "chainId");
      Objects.requireNonNull(problem, "problem");
    }
  }

  /**
   * A container's write layer as recorded.
   *
   * @param mountCount the persisted count of its root filesystem's mounts
   * @param dataPresent whether the driver has both its write and its init layer
   */
  public record StoredWriteLayer(WriteLayer writeLayer, int mountCount, boolean dataPresent) {
    public StoredWriteLayer {
      Objects.requireNonNull(writeLayer, "writeLayer");
    }
  }

  private final LayerStoreState state;
  private final WriteLayers writeLayers;

  LayerAudit(LayerStoreState state, WriteLayers writeLayers) {
    this.state = state;
    this.writeLayers = writeLayers;
  }

  /** Every readable layer record. */
  public List<StoredLayer> layers() throws IOException {
    state.ensureOpen();
    List<StoredLayer> out = new ArrayList<>();
    for (ChainId id : state.db().list()) {
      Optional<LayerRecord> r = read(id);
      if (r.isPresent()) {
        LayerRecord rec = r.get();
        out.add(new StoredLayer(rec.layer(), rec.cacheId().value(), rec.references(),
            state.driver().exists(rec.cacheId())));
      }
    }
    return out;
  }

  /** Layer records that cannot be read. */
  public List<DamagedLayer> damagedLayers() throws IOException {
    state.ensureOpen();
    List<DamagedLayer> out = new ArrayList<>();
    for (ChainId id : state.db().list()) {
      try {
        state.db().read(id);
      } catch (CorruptException e) {
        out.add(new DamagedLayer(id, e.getMessage()));
      }
    }
    return out;
  }

  /** Every container's write layer with its persisted mount count. */
  public List<StoredWriteLayer> writeLayers() throws IOException {
    state.ensureOpen();
    List<StoredWriteLayer> out = new ArrayList<>();
    for (String name : state.db().listMounts()) {
      Optional<WriteLayer> w = state.db().readMount(name);
      if (w.isPresent()) {
        boolean present = state.driver().exists(LayerId.of(w.get().mountId()))
            && state.driver().exists(LayerId.of(w.get().initId()));
        out.add(new StoredWriteLayer(w.get(), state.db().mountCount(name), present));
      }
    }
    return out;
  }

  /**
   * Driver layers (by driver id) that no layer record and no container names, and that carry no
   * named layer (a driver layer under a named one is its parent in the driver, even when the
   * parent's own record is gone: removing it would take the named layer's base).
   */
  public Set<String> unnamedDriverLayers() throws IOException {
    state.ensureOpen();
    Set<LayerId> named = new HashSet<>();
    for (ChainId id : state.db().list()) {
      // A damaged record still names its driver layer when its cache-id file is readable.
      state.db().cacheIdOf(id).ifPresent(named::add);
    }
    for (StoredWriteLayer w : writeLayers()) {
      named.add(LayerId.of(w.writeLayer().mountId()));
      named.add(LayerId.of(w.writeLayer().initId()));
    }
    Set<LayerId> carried = new HashSet<>();
    for (LayerId id : named) {
      Optional<LayerId> parent = state.driver().exists(id) ? state.driver().info(id).parent() : Optional.empty();
      while (parent.isPresent() && carried.add(parent.get()) && state.driver().exists(parent.get())) {
        parent = state.driver().info(parent.get()).parent();
      }
    }
    Set<String> unnamed = new TreeSet<>();
    for (LayerId id : state.driver().layers()) {
      if (!named.contains(id) && !carried.contains(id)) {
        unnamed.add(id.value());
      }
    }
    return unnamed;
  }

  /**
   * True when some layer record is damaged so badly that it does not say which driver layer is
   * its: that layer then looks unnamed, and nothing unnamed may be deleted.
   */
  public boolean unnamedUnsafeToRemove() throws IOException {
    state.ensureOpen();
    for (ChainId id : state.db().list()) {
      if (state.db().cacheIdOf(id).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Entries an interrupted operation left in the store's staging directories. */
  public List<Path> leftovers() throws IOException {
    state.ensureOpen();
    List<Path> found = new ArrayList<>(state.db().leftovers());
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(state.tmp())) {
      entries.forEach(found::add);
    }
    return found;
  }

  /** True when the driver's views are real mounts (so a mounted container shows in the mount table). */
  public boolean realMounts() {
    state.ensureOpen();
    return state.driver().capabilities().contains(Capability.REAL_MOUNTS);
  }

  /** The driver's home, where its layers and views live. */
  public Path driverHome() {
    state.ensureOpen();
    return state.driver().home();
  }

  /**
   * sha256 of the layer's tar rebuilt from its tar-split record and the files on disk: equal to
   * the DiffID exactly when the content is as registered.
   *
   * @param bytes told how many tar bytes were hashed, as they are
   * @throws CorruptException if the record is missing or no longer matches the files
   */
  public Digest contentDigest(ChainId chainId, LongConsumer bytes) throws IOException {
    state.ensureOpen();
    LayerRecord r = state.index().record(chainId);
    Path split = state.db().tarSplit(chainId).orElseThrow(() -> new CorruptException(chainId.toString(),
        "layer " + chainId + " has no tar-split record to rebuild its tar from"));
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    Path view = state.driver().mount(r.cacheId());
    try (OutputStream sink = new DigestOutputStream(counting(bytes), md)) {
      new TarSplitReplayer(chainId.toString(), true).replay(split, view, sink);
    } finally {
      state.driver().unmount(r.cacheId());
    }
    return Digest.sha256(md.digest());
  }

  /**
   * Deletes those of {@code candidates} that {@link #unnamedDriverLayers} still lists (one named
   * since it was listed, by a register that was under way, stays), children before parents: a
   * driver refuses to remove a layer that has children. Unlike the store's own recovery on open,
   * it reads no record in full, so a damaged record neither stops it nor loses its driver layer.
   * Returns the driver ids it deleted.
   *
   * @throws IllegalStateException if {@link #unnamedUnsafeToRemove} (check it first)
   */
  public Set<String> removeUnnamedDriverLayers(Set<String> candidates) throws IOException {
    state.ensureOpen();
    if (unnamedUnsafeToRemove()) {
      throw new IllegalStateException("a damaged layer record names no driver layer; deleting unnamed driver"
          + " layers could delete its data");
    }
    List<LayerId> doomed = new ArrayList<>();
    for (String id : unnamedDriverLayers()) {
      if (candidates.contains(id)) {
        doomed.add(LayerId.of(id));
      }
    }
    Map<LayerId, Integer> depth = new HashMap<>();
    for (LayerId id : doomed) {
      depth.put(id, state.driver().info(id).depth());
    }
    doomed.sort(Comparator.comparing((LayerId id) -> depth.get(id)).reversed());
    Set<String> removed = new TreeSet<>();
    try (var removing = state.locks().removing()) {
      for (LayerId id : doomed) {
        state.driver().remove(id);
        removed.add(id.value());
      }
    }
    return removed;
  }

  /** Writes a layer's reference count; never removes the layer, even at zero. */
  public void setReferences(ChainId chainId, int count) throws IOException {
    state.ensureOpen();
    if (count < 0) {
      throw new IllegalArgumentException("negative reference count " + count + " for " + chainId);
    }
    try (var held = state.locks().records()) {
      state.index().setReferences(state.index().record(chainId), count);
    }
  }

  /** Drops every counted mount of a container's root filesystem (persisted count first). */
  public void clearMountCount(String container) throws IOException {
    state.ensureOpen();
    while (writeLayers.mountCount(container) > 0) {
      writeLayers.unmount(container);
    }
  }

  private Optional<LayerRecord> read(ChainId id) throws IOException {
    try {
      return state.db().read(id);
    } catch (CorruptException e) {
      return Optional.empty();
    }
  }

  private static OutputStream counting(LongConsumer bytes) {
    return new FilterOutputStream(OutputStream.nullOutputStream()) {
      @Override
      public void write(byte[] b, int off, int len) {
        bytes.accept(len);
      }

      @Override
      public void write(int b) {
        bytes.accept(1);
      }
    };
  }
}
