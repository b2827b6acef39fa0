package dev.strata.layer;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.error.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store's knowledge of its read-only layers: records read through a bounded Caffeine cache,
 * persistent reference counts, and the rule that decides when a layer may go. Callers that change
 * references hold the record lock ({@link StoreLocks#records}); callers that remove layers hold the
 * layers lock exclusively too, so no operation is building on a layer that goes.
 */
final class LayerIndex {

  private final LayerDb db;
  private final GraphDriver driver;
  private final LoadingCache<ChainId, Optional<LayerRecord>> records;

  LayerIndex(LayerDb db, GraphDriver driver) {
    this.db = db;
    this.driver = driver;
    this.records = Caffeine.newBuilder().maximumSize(10_000).build(id -> {
      try {
        return db.read(id);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  LayerRecord record(ChainId chainId) throws IOException {
    return cached(chainId).orElseThrow(() ->
        new NotFoundException(chainId.toString(), "no layer " + chainId + " in the store"));
  }

  Optional<LayerRecord> cached(ChainId chainId) throws IOException {
    try {
      return records.get(chainId);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Publishes a new layer whose files were assembled in {@code staging}. */
  synchronized void publish(LayerRecord record, java.nio.file.Path staging) throws IOException {
    db.publish(record.layer().chainId(), staging);
    records.invalidate(record.layer().chainId());
  }

  synchronized void setReferences(LayerRecord r, int count) throws IOException {
    db.writeReferences(r.layer().chainId(), count);
    records.put(r.layer().chainId(), Optional.of(r.withReferences(count)));
  }

  /** Forgets every cached record: another process changed the records. */
  void invalidateAll() {
    records.invalidateAll();
  }

  /**
   * Removes {@code start} and its ancestors while nothing holds them (no reference, no child layer,
   * no container on them); returns what was removed, top first. Metadata goes first,
   * then the driver's layer, so a crash in between leaves only a driver leftover to sweep.
   */
  synchronized List<ChainId> collect(Optional<ChainId> start) throws IOException {
    List<ChainId> removed = new ArrayList<>();
    Optional<ChainId> next = start;
    while (next.isPresent()) {
      ChainId id = next.get();
      Optional<LayerRecord> r = cached(id);
      if (r.isEmpty() || r.get().references() > 0 || isUsed(id)) {
        break;
      }
      db.remove(id);
      records.invalidate(id);
      driver.remove(r.get().cacheId());
      removed.add(id);
      next = r.get().layer().parent();
    }
    return removed;
  }

  /** True when a layer has a child layer or a container on it. */
  private boolean isUsed(ChainId id) throws IOException {
    Optional<ChainId> self = Optional.of(id);
    for (ChainId other : db.list()) {
      Optional<LayerRecord> r = cached(other);
      if (r.isPresent() && r.get().layer().parent().equals(self)) {
        return true;
      }
    }
    for (String name : db.listMounts()) {
      Optional<WriteLayer> w = db.readMount(name);
      if (w.isPresent() && w.get().parent().equals(self)) {
        return true;
      }
    }
    return false;
  }
}
