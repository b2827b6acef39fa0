package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Image config JSON for the images the command makes ({@code import}, {@code commit}): the OCI
 * image config's required fields ({@code architecture}, {@code os}, {@code rootfs}) plus {@code
 * created} and one {@code history} entry per layer made, as Docker writes them.
 */
final class ImageConfigs {

  /** A one-layer image from {@code strata import}. */
  byte[] imported(Digest diffId, Instant created, String createdBy) throws IOException {
    ObjectNode config = Json.object();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.put("created", created.toString());
    config.putObject("config");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(diffId.toString());
    ObjectNode history = config.putArray("history").addObject();
    history.put("created", created.toString());
    history.put("created_by", createdBy);
    return Json.bytes(config);
  }

  /**
   * The config of a committed container: the source image's config (or a minimal one when the
   * image is gone) with {@code rootfs.diff_ids} set to the new stack and a history entry for the
   * new layer.
   *
   * @throws CorruptException if the source config is not a JSON object
   */
  byte[] committed(Optional<byte[]> source, List<Digest> diffIds, Instant created, String createdBy)
      throws IOException {
    ObjectNode config;
    if (source.isPresent()) {
      JsonNode parsed = Json.parse(source.get(), "the source image's config");
      if (!parsed.isObject()) {
        throw new CorruptException("image config", "the source image's config is not a JSON object");
      }
      config = (ObjectNode) parsed;
    } else {
      config = Json.object();
      config.put("architecture", "amd64");
      config.put("os", "linux");
    }
    config.put("created", created.toString());
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    diffIds.forEach(d -> ids.add(d.toString()));
    ArrayNode history = config.has("history") && config.get("history").isArray()
        ? (ArrayNode) config.get("history") : config.putArray("history");
    ObjectNode entry = history.addObject();
    entry.put("created", created.toString());
    entry.put("created_by", createdBy);
    return Json.bytes(config);
  }
}
