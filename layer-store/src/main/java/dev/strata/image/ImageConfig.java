package dev.strata.image;

import static dev.strata.files.PrintableNames.quoted;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.json.Json;
import dev.strata.layer.ChainId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the store needs from an image config JSON: {@code rootfs.diff_ids} and {@code created}.
 * The bytes themselves are kept as they came, since the image id is their hash.
 */
record ImageConfig(ImageId id, List<Digest> diffIds, Instant created) {

  ImageConfig {
    diffIds = List.copyOf(diffIds);
  }

  /**
   * Parses a config (OCI image config or Docker's container image JSON).
   *
   * @param what names the document in errors, e.g. the archive path it came from
   * @throws CorruptException if it is not JSON, lacks {@code rootfs} of type {@code layers}, or a DiffID is malformed
   */
  static ImageConfig parse(byte[] json, String what) throws CorruptException {
    JsonNode root = Json.parse(json, what);
    if (!root.isObject()) {
      throw new CorruptException(what, what + " is not a JSON object; expected an image config");
    }
    JsonNode rootfs = root.get("rootfs");
    if (rootfs == null || !rootfs.isObject()) {
      throw new CorruptException(what, what + " has no 'rootfs' object; not an image config");
    }
    String type = Json.requiredText(rootfs, "type", what + " rootfs");
    if (!type.equals("layers")) {
      throw new CorruptException(what, what + ": rootfs type is '" + type + "'; only 'layers' exists");
    }
    List<Digest> diffIds = new ArrayList<>();
    JsonNode ids = rootfs.get("diff_ids");
    if (ids != null && !ids.isNull()) {
      if (!ids.isArray()) {
        throw new CorruptException(what, what + ": rootfs.diff_ids is not an array");
      }
      for (JsonNode id : ids) {
        diffIds.add(digest(id, what + " rootfs.diff_ids[" + diffIds.size() + "]"));
      }
    }
    return new ImageConfig(ImageId.ofConfig(json), diffIds, created(root.get("created")));
  }

  /** The top layer's ChainID, empty without layers. */
  Optional<ChainId> top() {
    List<ChainId> chains = chainIds(diffIds);
    return chains.isEmpty() ? Optional.empty() : Optional.of(chains.get(chains.size() - 1));
  }

  static List<ChainId> chainIds(List<Digest> diffIds) {
    List<ChainId> chains = new ArrayList<>(diffIds.size());
    Optional<ChainId> parent = Optional.empty();
    for (Digest diffId : diffIds) {
      ChainId chain = ChainId.of(parent, diffId);
      chains.add(chain);
      parent = Optional.of(chain);
    }
    return chains;
  }

  /** Parses a {@code sha256:<hex>} JSON string. */
  static Digest digest(JsonNode node, String what) throws CorruptException {
    if (node == null || !node.isTextual()) {
      throw new CorruptException(what, what + " is missing or not a string; expected sha256:<hex>");
    }
    try {
      return Digest.parse(node.asText());
    } catch (IllegalArgumentException e) {
      // The text may be a path aimed out of the archive, or anything else a stranger wrote.
      throw new CorruptException(what, what + ": " + quoted(node.asText()) + " is not a sha256:<64 hex digits> digest", e);
    }
  }

  // Docker writes RFC 3339 with nanoseconds and an offset; a config without (or with an unreadable)
  // time is still a valid image, shown as created at the epoch.
  private static Instant created(JsonNode node) {
    if (node == null || !node.isTextual()) {
      return Instant.EPOCH;
    }
    try {
      return OffsetDateTime.parse(node.asText()).toInstant();
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
