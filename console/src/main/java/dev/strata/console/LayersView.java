package dev.strata.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.image.Image;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only layers, each with its parent (so the page draws them as a tree: images sharing a
 * base share a branch) and the images whose stack contains it.
 */
final class LayersView {

  private final OpenStores stores;

  LayersView(OpenStores stores) {
    this.stores = stores;
  }

  ArrayNode list() throws IOException {
    Map<ChainId, List<Image>> holders = new HashMap<>();
    for (Image image : stores.images.images()) {
      image.chainIds().forEach(c -> holders.computeIfAbsent(c, k -> new ArrayList<>()).add(image));
    }
    ArrayNode out = Answers.MAPPER.createArrayNode();
    for (Layer layer : stores.layers.layers()) {
      ObjectNode o = out.addObject();
      o.put("chain_id", layer.chainId().toString());
      o.put("diff_id", layer.diffId().toString());
      if (layer.parent().isPresent()) {
        o.put("parent", layer.parent().get().toString());
      } else {
        o.putNull("parent");
      }
      o.put("depth", layer.depth());
      o.put("size_bytes", layer.size());
      ArrayNode images = o.putArray("images");
      for (Image image : holders.getOrDefault(layer.chainId(), List.of())) {
        ObjectNode i = images.addObject();
        i.put("id", image.id().toString());
        ArrayNode tags = i.putArray("repo_tags");
        image.tags().forEach(t -> tags.add(t.toString()));
      }
    }
    return out;
  }
}
