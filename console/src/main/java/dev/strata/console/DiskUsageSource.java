package dev.strata.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.container.Container;
import dev.strata.image.Image;
import dev.strata.image.ImageId;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the disk goes, in the shape {@code strata system df --format json} prints: for images,
 * containers and volumes the {@code total}, {@code active}, {@code size_bytes} and {@code
 * reclaimable_bytes}.
 *
 * <p>To be replaced by layer-store's {@code dev.strata.usage.StoreUsage} (the library call behind
 * {@code strata system df}), so that the console and the command can never disagree; until then
 * it computes the same figures from the records: an image layer is counted once however many
 * images share it, an image is active when a container was created from it, a container when it is
 * mounted, a volume when a container uses it; what is reclaimable is what no active one holds.
 */
final class DiskUsageSource {

  /** One row of the df table. */
  record Totals(int total, int active, long sizeBytes, long reclaimableBytes) {
    ObjectNode json() {
      ObjectNode o = Answers.object();
      o.put("total", total).put("active", active).put("size_bytes", sizeBytes).put("reclaimable_bytes", reclaimableBytes);
      return o;
    }
  }

  private final OpenStores stores;

  DiskUsageSource(OpenStores stores) {
    this.stores = stores;
  }

  ObjectNode report() throws IOException {
    ObjectNode o = Answers.object();
    List<Container> containers = stores.containers.list();
    o.set("images", images(containers).json());
    o.set("containers", containers(containers).json());
    o.set("volumes", volumes().json());
    return o;
  }

  private Totals images(List<Container> containers) throws IOException {
    Set<ImageId> used = new HashSet<>();
    containers.forEach(c -> c.image().ifPresent(used::add));
    Map<ChainId, Long> sizes = new HashMap<>();
    for (Layer layer : stores.layers.layers()) {
      sizes.put(layer.chainId(), layer.size());
    }
    Set<ChainId> all = new HashSet<>();
    Set<ChainId> held = new HashSet<>();
    int active = 0;
    List<Image> images = stores.images.images();
    for (Image image : images) {
      all.addAll(image.chainIds());
      if (used.contains(image.id())) {
        active++;
        held.addAll(image.chainIds());
      }
    }
    long size = all.stream().mapToLong(c -> sizes.getOrDefault(c, 0L)).sum();
    long kept = held.stream().mapToLong(c -> sizes.getOrDefault(c, 0L)).sum();
    return new Totals(images.size(), active, size, size - kept);
  }

  private Totals containers(List<Container> containers) throws IOException {
    int active = 0;
    long size = 0;
    long reclaimable = 0;
    for (Container c : containers) {
      long bytes = stores.layers.writeLayers().size(c.name());
      size += bytes;
      if (stores.containers.mountCount(c) > 0) {
        active++;
      } else {
        reclaimable += bytes;
      }
    }
    return new Totals(containers.size(), active, size, reclaimable);
  }

  private Totals volumes() throws IOException {
    List<Volume> volumes = stores.volumes.list(VolumeFilter.all());
    int active = 0;
    long size = 0;
    long reclaimable = 0;
    for (Volume v : volumes) {
      long bytes = stores.volumes.size(v.name());
      size += bytes;
      if (v.references().isEmpty()) {
        reclaimable += bytes;
      } else {
        active++;
      }
    }
    return new Totals(volumes.size(), active, size, reclaimable);
  }
}
