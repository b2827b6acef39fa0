package dev.strata.check;

import dev.strata.check.Retention.ContainerBytes;
import dev.strata.check.Retention.ImageHolder;
import dev.strata.check.Retention.LayerHolders;
import dev.strata.check.Retention.VolumeHolders;
import dev.strata.image.Image;
import dev.strata.image.Reference;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerAudit.StoredLayer;
import dev.strata.layer.WriteLayer;
import dev.strata.layer.WriteLayers;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds the {@link Retention} table from what the stores hold. */
final class RetentionTable {

  private static final System.Logger LOG = System.getLogger(RetentionTable.class.getName());

  private RetentionTable() {}

  static Retention build(List<StoredLayer> layers, List<Image> images, List<WriteLayer> writeLayers,
      List<Volume> volumes, WriteLayers store, VolumeStore volumeStore) throws IOException {
    Map<ChainId, StoredLayer> byChain = new HashMap<>();
    layers.forEach(l -> byChain.put(l.layer().chainId(), l));
    Map<ChainId, List<ImageHolder>> imageHolders = new HashMap<>();
    for (Image image : images) {
      ImageHolder holder = new ImageHolder(image.id().toString(), image.tags().stream().map(Reference::toString).toList());
      for (ChainId chain : image.chainIds()) {
        imageHolders.computeIfAbsent(chain, k -> new ArrayList<>()).add(holder);
      }
    }
    Map<ChainId, List<String>> containerHolders = new HashMap<>();
    for (WriteLayer w : writeLayers) {
      for (ChainId chain : stack(w.parent(), byChain)) {
        containerHolders.computeIfAbsent(chain, k -> new ArrayList<>()).add(w.container());
      }
    }
    Map<ChainId, List<String>> children = new HashMap<>();
    layers.forEach(l -> l.layer().parent().ifPresent(p ->
        children.computeIfAbsent(p, k -> new ArrayList<>()).add(l.layer().chainId().toString())));
    List<StoredLayer> ordered = new ArrayList<>(layers);
    ordered.sort(Comparator.comparingInt((StoredLayer l) -> l.layer().depth()).thenComparing(l -> l.layer().chainId().toString()));
    List<LayerHolders> rows = new ArrayList<>();
    long imageBytes = 0;
    long containerBytes = 0;
    long unreferenced = 0;
    for (StoredLayer l : ordered) {
      ChainId id = l.layer().chainId();
      LayerHolders row = new LayerHolders(id.toString(), l.layer().size(), l.references(),
          imageHolders.getOrDefault(id, List.of()), containerHolders.getOrDefault(id, List.of()),
          children.getOrDefault(id, List.of()));
      rows.add(row);
      if (!row.images().isEmpty()) {
        imageBytes += row.size();
      } else if (!row.containers().isEmpty()) {
        containerBytes += row.size();
      } else {
        unreferenced += row.size();
      }
    }
    List<ContainerBytes> containers = new ArrayList<>();
    for (WriteLayer w : writeLayers) {
      long size = sizeOf(store, w.container());
      containerBytes += size;
      containers.add(new ContainerBytes(w.container(), w.parent().map(ChainId::toString).orElse(""), size));
    }
    List<VolumeHolders> volumeRows = new ArrayList<>();
    long volumeBytes = 0;
    for (Volume v : volumes) {
      long size = volumeStore.size(v.name());
      volumeRows.add(new VolumeHolders(v.name(), size, List.copyOf(v.references())));
      if (v.references().isEmpty()) {
        unreferenced += size;
      } else {
        volumeBytes += size;
      }
    }
    return new Retention(rows, containers, volumeRows,
        new Retention.Totals(imageBytes, containerBytes, volumeBytes, unreferenced));
  }

  /** The chain from {@code top} down, as far as records go. */
  private static List<ChainId> stack(Optional<ChainId> top, Map<ChainId, StoredLayer> byChain) {
    List<ChainId> out = new ArrayList<>();
    Set<ChainId> seen = new HashSet<>();
    Optional<ChainId> next = top;
    while (next.isPresent() && seen.add(next.get())) {
      out.add(next.get());
      StoredLayer l = byChain.get(next.get());
      next = l == null ? Optional.empty() : l.layer().parent();
    }
    return out;
  }

  private static long sizeOf(WriteLayers store, String container) {
    try {
      return store.size(container);
    } catch (IOException e) {
      // Its data may be the very thing a finding reports missing; the table shows 0 for it.
      LOG.log(Level.WARNING, "cannot size the write layer of container {0}, showing 0: {1}", container,
          e.getMessage());
      return 0;
    }
  }
}
