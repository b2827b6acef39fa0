package dev.strata.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.json.Json;
import dev.strata.volume.MountSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link MountSpec} in a container record; absent optionals are omitted, not null. */
final class MountSpecJson {

  private MountSpecJson() {}

  static ObjectNode write(MountSpec m) {
    ObjectNode node = Json.object();
    node.put("type", m.type().name());
    m.source().ifPresent(s -> node.put("source", s));
    node.put("target", m.target());
    node.put("read_only", m.readOnly());
    node.put("relabel", m.relabel().name());
    m.propagation().ifPresent(p -> node.put("propagation", p.name()));
    node.put("copy", m.copy());
    node.put("create_source", m.createSource());
    ObjectNode options = node.putObject("options");
    m.options().forEach(options::put);
    ObjectNode labels = node.putObject("labels");
    m.labels().forEach(labels::put);
    m.subpath().ifPresent(s -> node.put("subpath", s));
    return node;
  }

  static MountSpec read(JsonNode node) {
    return new MountSpec(
        MountSpec.Type.valueOf(node.path("type").asText()),
        text(node, "source"),
        node.path("target").asText(),
        node.path("read_only").asBoolean(),
        MountSpec.Relabel.valueOf(node.path("relabel").asText("NONE")),
        text(node, "propagation").map(MountSpec.Propagation::valueOf),
        node.path("copy").asBoolean(),
        node.path("create_source").asBoolean(),
        map(node.path("options")),
        map(node.path("labels")),
        text(node, "subpath"));
  }

  private static Optional<String> text(JsonNode node, String field) {
    return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
  }

  private static Map<String, String> map(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }
}
