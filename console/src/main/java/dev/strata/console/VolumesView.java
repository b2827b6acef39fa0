package dev.strata.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import java.io.IOException;
import java.util.Map;

/** The volumes: driver, mountpoint, options (passwords hidden), labels, users, size, unused or not. */
final class VolumesView {

  private final OpenStores stores;

  VolumesView(OpenStores stores) {
    this.stores = stores;
  }

  ArrayNode list() throws IOException {
    ArrayNode out = Answers.MAPPER.createArrayNode();
    for (Volume v : stores.volumes.list(VolumeFilter.all())) {
      ObjectNode o = out.addObject();
      o.put("name", v.name());
      o.put("driver", v.driver());
      o.put("mountpoint", v.mountpoint().toString());
      o.put("created", v.createdAt().toString());
      o.set("options", map(v.printableOptions()));
      o.set("labels", map(v.labels()));
      ArrayNode containers = o.putArray("containers");
      v.references().forEach(containers::add);
      o.put("size_bytes", stores.volumes.contentSize(v.name()));
      o.put("unused", v.references().isEmpty());
      o.put("anonymous", v.anonymous());
    }
    return out;
  }

  private static ObjectNode map(Map<String, String> m) {
    ObjectNode o = Answers.object();
    m.forEach(o::put);
    return o;
  }
}
