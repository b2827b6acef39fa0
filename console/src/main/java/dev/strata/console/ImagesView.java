package dev.strata.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.container.Container;
import dev.strata.image.Image;
import dev.strata.image.ImageId;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.usage.ImageUsage;
import dev.strata.usage.StoreUsage;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The images as the pages show them: tags, id, created, size split into what other images share
 * and what is the image's own, the containers using it; and one image's config and layer table.
 */
final class ImagesView {

  /** The fields of the config's {@code config} object the detail page shows. */
  private static final List<String> CONFIG_FIELDS =
      List.of("Cmd", "Entrypoint", "Env", "ExposedPorts", "Volumes", "Labels", "WorkingDir", "User");

  private final OpenStores stores;

  ImagesView(OpenStores stores) {
    this.stores = stores;
  }

  /** Sizes and containers are {@link StoreUsage}'s, the very figures of {@code strata system df -v}. */
  ArrayNode list() throws IOException {
    Map<String, Integer> layerCounts = new HashMap<>();
    for (Image image : stores.images.images()) {
      layerCounts.put(image.id().toString(), image.layerCount());
    }
    ArrayNode out = Answers.MAPPER.createArrayNode();
    for (ImageUsage image : new StoreUsage(stores.images, stores.containers, stores.volumes).images()) {
      Integer layers = layerCounts.get(image.id());
      if (layers == null) {
        continue; // added by another process between the two listings: the next refresh shows it
      }
      ObjectNode o = out.addObject();
      o.put("id", image.id());
      ArrayNode tags = o.putArray("repo_tags");
      image.repoTags().forEach(tags::add);
      o.put("created", image.created().toString());
      o.put("size_bytes", image.sizeBytes());
      o.put("shared_size_bytes", image.sharedSizeBytes());
      o.put("unique_size_bytes", image.uniqueSizeBytes());
      o.put("layers", layers);
      o.put("containers", image.containers());
    }
    return out;
  }

  ObjectNode detail(String id) throws IOException, ApiException {
    Optional<Image> found = stores.images.images().stream().filter(i -> i.id().toString().equals(id)).findFirst();
    if (found.isEmpty()) {
      throw new ApiException(404, "no image " + id + " in this root (it may have been removed meanwhile)");
    }
    Image image = found.get();
    JsonNode config = Answers.MAPPER.readTree(stores.images.config(image.id()));
    ObjectNode o = Answers.object();
    o.put("id", id);
    ArrayNode tags = o.putArray("repo_tags");
    image.tags().forEach(t -> tags.add(t.toString()));
    o.put("created", image.created().toString());
    o.put("size_bytes", image.size());
    o.put("containers", users().getOrDefault(image.id(), 0));
    o.put("architecture", config.path("architecture").asText(""));
    o.put("os", config.path("os").asText(""));
    ObjectNode shown = o.putObject("config");
    JsonNode inner = config.path("config");
    for (String field : CONFIG_FIELDS) {
      JsonNode value = inner.get(field);
      shown.set(field, value == null ? Answers.MAPPER.nullNode() : value);
    }
    o.set("layers", layers(image, config.path("history")));
    return o;
  }

  /**
   * One row per layer, base first; {@code created_by} from the history entry that made it
   * (entries marked {@code empty_layer} made none, so they are skipped).
   */
  private ArrayNode layers(Image image, JsonNode history) throws IOException {
    List<JsonNode> makers = new java.util.ArrayList<>();
    history.forEach(h -> {
      if (!h.path("empty_layer").asBoolean(false)) {
        makers.add(h);
      }
    });
    Map<ChainId, Long> sizes = layerSizes();
    ArrayNode out = Answers.MAPPER.createArrayNode();
    List<ChainId> chain = image.chainIds();
    for (int i = 0; i < chain.size(); i++) {
      ObjectNode row = out.addObject();
      row.put("order", i);
      row.put("chain_id", chain.get(i).toString());
      row.put("diff_id", image.diffIds().get(i).toString());
      row.put("size_bytes", sizes.getOrDefault(chain.get(i), 0L));
      row.put("created_by", i < makers.size() ? makers.get(i).path("created_by").asText("") : "");
    }
    return out;
  }

  private Map<ChainId, Long> layerSizes() throws IOException {
    Map<ChainId, Long> sizes = new HashMap<>();
    for (Layer layer : stores.layers.layers()) {
      sizes.put(layer.chainId(), layer.size());
    }
    return sizes;
  }

  private Map<ImageId, Integer> users() throws IOException {
    Map<ImageId, Integer> users = new HashMap<>();
    for (Container c : stores.containers.list()) {
      c.image().ifPresent(id -> users.merge(id, 1, Integer::sum));
    }
    return users;
  }
}
