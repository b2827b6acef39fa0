package dev.strata.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.usage.StoreUsage;
import dev.strata.usage.Totals;
import dev.strata.usage.UsageReport;
import java.io.IOException;

/**
 * Where the disk goes, in the shape {@code strata system df --format json} prints: for images,
 * containers and volumes the {@code total}, {@code active}, {@code size_bytes} and {@code
 * reclaimable_bytes}. The figures are layer-store's {@link StoreUsage}, the very call behind the
 * command, so the console and the command never disagree.
 */
final class DiskUsageSource {

  private final OpenStores stores;

  DiskUsageSource(OpenStores stores) {
    this.stores = stores;
  }

  ObjectNode report() throws IOException {
    UsageReport r = new StoreUsage(stores.images, stores.containers, stores.volumes).report();
    ObjectNode o = Answers.object();
    o.set("images", json(r.images()));
    o.set("containers", json(r.containers()));
    o.set("volumes", json(r.volumes()));
    return o;
  }

  private static ObjectNode json(Totals t) {
    ObjectNode o = Answers.object();
    o.put("total", t.total()).put("active", t.active()).put("size_bytes", t.sizeBytes())
        .put("reclaimable_bytes", t.reclaimableBytes());
    return o;
  }
}
