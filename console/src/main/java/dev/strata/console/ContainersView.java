package dev.strata.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.container.Container;
import dev.strata.driver.Change;
import dev.strata.volume.MountSpec;
import java.io.IOException;

/** The containers: image, mounted or not, write-layer size, the volumes they use; and one's diff. */
final class ContainersView {

  private final OpenStores stores;

  ContainersView(OpenStores stores) {
    this.stores = stores;
  }

  ArrayNode list() throws IOException {
    ArrayNode out = Answers.MAPPER.createArrayNode();
    for (Container c : stores.containers.list()) {
      ObjectNode o = out.addObject();
      o.put("name", c.name());
      o.put("image", c.imageRef());
      if (c.image().isPresent()) {
        o.put("image_id", c.image().get().toString());
      } else {
        o.putNull("image_id");
      }
      o.put("created", c.created().toString());
      o.put("mounted", stores.containers.mountCount(c) > 0);
      o.put("write_layer_size_bytes", stores.containers.writeLayerSize(c));
      ArrayNode volumes = o.putArray("volumes");
      for (MountSpec m : c.mounts()) {
        if (m.type() == MountSpec.Type.VOLUME) {
          m.source().ifPresent(volumes::add);
        }
      }
    }
    return out;
  }

  /** {@code docker diff}: each changed path with A (added), C (changed) or D (deleted). */
  ArrayNode diff(String name) throws IOException {
    Container c = stores.containers.get(name);
    ArrayNode out = Answers.MAPPER.createArrayNode();
    for (Change change : stores.layers.writeLayers().changes(c.name())) {
      ObjectNode o = out.addObject();
      o.put("kind", String.valueOf(change.kind().letter()));
      // Names are bytes: the text is for reading, the base64 is the name exactly.
      o.put("path", change.path());
      o.put("path_base64", java.util.Base64.getEncoder().encodeToString(change.pathBytes()));
    }
    return out;
  }
}
