package dev.strata.layer;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.Digest;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.files.FileTrees;
import dev.strata.tar.Decompression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a layer tar into a registered read-only layer, for {@link LayerStore#register} and {@link
 * WriteLayers#commit}: applies it through the driver while recording its tar-split, flushes the
 * layer's files and record, and only then publishes the record that makes the layer exist. A
 * failure at any step removes what it made, so no half layer is ever visible.
 */
final class LayerRegistrar {

  private final LayerStoreState state;

  LayerRegistrar(LayerStoreState state) {
    this.state = state;
  }

  /**
   * Applies {@code tar} on {@code parent} and adds a reference to the result. I/O errors are left
   * untranslated, so that each caller names its own operation when the disk fills.
   */
  Layer apply(InputStream tar, Optional<ChainId> parent, Optional<Digest> expectedDiffId) throws IOException {
    state.ensureOpen();
    // The parent cannot go while this holds the layers lock shared: removals wait for it.
    try (var building = state.locks().building()) {
      state.locks().refreshIfChanged();
      return applyOnParent(tar, parent, expectedDiffId);
    }
  }

  private Layer applyOnParent(InputStream tar, Optional<ChainId> parent, Optional<Digest> expectedDiffId)
      throws IOException {
    LayerIndex index = state.index();
    LayerDb db = state.db();
    Optional<LayerRecord> parentRecord = parent.isPresent() ? Optional.of(index.record(parent.get())) : Optional.empty();
    int depth = parentRecord.map(r -> r.layer().depth() + 1).orElse(1);
    if (depth > state.maxDepth()) {
      throw new FailedPreconditionException(parent.map(ChainId::toString).orElse("<base>"),
          "a layer on " + parent.map(ChainId::toString).orElse("nothing") + " would make a stack of "
              + depth + " layers; " + state.driver().name() + " allows at most " + state.maxDepth());
    }
    if (expectedDiffId.isPresent()) {
      Optional<Layer> existing = retainExisting(ChainId.of(parent, expectedDiffId.get()), tar, expectedDiffId.get());
      if (existing.isPresent()) {
        return existing.get();
      }
    }
    LayerId cacheId = state.ids().next("");
    Path staging = db.newStagingDir();
    boolean published = false;
    try {
      ApplyResult applied;
      try (InputStream plain = Decompression.open(tar);
          OutputStream record = Files.newOutputStream(staging.resolve(LayerDb.TAR_SPLIT))) {
        TarSplitRecorder recorder = new TarSplitRecorder(plain, record);
        applied = state.driver().createReadOnly(cacheId, parentRecord.map(LayerRecord::cacheId), recorder);
        recorder.finish();
      }
      if (expectedDiffId.isPresent() && !expectedDiffId.get().equals(applied.diffId())) {
        throw new CorruptException(expectedDiffId.get().toString(), "layer content hashes to "
            + applied.diffId() + ", not the expected DiffID " + expectedDiffId.get());
      }
      ChainId chainId = ChainId.of(parent, applied.diffId());
      Layer layer = new Layer(chainId, applied.diffId(), parent, applied.size(), depth);
      LayerRecord record = new LayerRecord(layer, cacheId, 1);
      db.stage(record, staging);
      // Content before the rename that publishes it: the layer's files and the driver's record
      // of it (driver home) and its staged record and tar-split reach the disk, then the rename
      // makes the layer exist.
      // Outside the record lock: a flush can take seconds and other layers may register meanwhile.
      state.syncer().sync(state.driverHome());
      state.syncer().sync(staging);
      try (var held = state.locks().records()) {
        // Another thread or process may have registered the same content meanwhile: one copy.
        Optional<LayerRecord> existing = index.cached(chainId);
        if (existing.isPresent()) {
          index.setReferences(existing.get(), existing.get().references() + 1);
          return existing.get().layer();
        }
        index.publish(record, staging);
        published = true;
        return layer;
      }
    } finally {
      if (!published) {
        FileTrees.delete(staging);
        if (state.driver().exists(cacheId)) {
          state.driver().remove(cacheId);
        }
      }
    }
  }

  /**
   * Adds a reference to the layer {@code chainId} when it is registered already, after checking
   * that {@code tar} hashes to {@code expected}; empty when there is no such layer.
   */
  private Optional<Layer> retainExisting(ChainId chainId, InputStream tar, Digest expected) throws IOException {
    LayerIndex index = state.index();
    if (index.cached(chainId).isEmpty()) {
      return Optional.empty();
    }
    // The caller holds the layers lock shared: the layer cannot be removed while its tar is hashed.
    Digest actual = LayerExporter.digestOf(Decompression.open(tar));
    if (!actual.equals(expected)) {
      throw new CorruptException(expected.toString(),
          "layer content hashes to " + actual + ", not the expected DiffID " + expected);
    }
    try (var held = state.locks().records()) {
      LayerRecord r = index.record(chainId);
      index.setReferences(r, r.references() + 1);
      return Optional.of(r.layer());
    }
  }
}
