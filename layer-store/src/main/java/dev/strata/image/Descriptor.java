package dev.strata.image;

import static dev.strata.files.PrintableNames.quoted;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.json.Json;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An OCI content descriptor: what a blob is, its digest and its size.
 *
 * @param mediaType empty when the descriptor has none (then the blob's own {@code mediaType} says)
 * @param platform {@code os/architecture[/variant]} when the descriptor names one
 */
record Descriptor(Optional<String> mediaType, Digest digest, long size, Map<String, String> annotations,
    Optional<String> platform) {

  Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(platform, "platform");
  }

  /** The blob's path in an OCI layout. */
  String blobPath() {
    return "blobs/" + digest.algorithm() + "/" + digest.hex();
  }

  boolean isIndex() {
    return mediaType.filter(MediaTypes::isIndex).isPresent();
  }

  boolean isManifest() {
    return mediaType.filter(MediaTypes::isManifest).isPresent();
  }

  /** Whether a layer of this media type is a filesystem tar (plain, gzip or zstd). */
  static boolean isLayer(String mediaType) {
    return mediaType.matches("application/vnd\\.oci\\.image\\.layer\\.(?:nondistributable\\.)?v1\\.tar(?:\\+gzip|\\+zstd)?")
        || mediaType.matches("application/vnd\\.docker\\.image\\.rootfs\\.(?:foreign\\.)?diff\\.tar(?:\\.gzip)?");
  }

  static boolean isConfig(String mediaType) {
    return mediaType.equals(MediaTypes.OCI_CONFIG) || mediaType.equals(MediaTypes.DOCKER_CONFIG);
  }

  static Descriptor parse(JsonNode node, String what) throws CorruptException, UnsupportedException {
    if (node == null || !node.isObject()) {
      throw new CorruptException(what, what + " is not a descriptor object");
    }
    Optional<String> mediaType = Json.text(node, "mediaType");
    String digestText = Json.requiredText(node, "digest", what);
    if (!digestText.startsWith("sha256:")) {
      throw new UnsupportedException(digestText, what + ": digest " + quoted(digestText) + " uses an algorithm other than sha256;"
          + " only sha256 is supported");
    }
    Digest digest = ImageConfig.digest(node.get("digest"), what + " digest");
    long size = Json.nonNegativeLong(node, "size", what);
    Map<String, String> annotations = new TreeMap<>();
    JsonNode notes = node.get("annotations");
    if (notes != null && notes.isObject()) {
      notes.fields().forEachRemaining(e -> {
        if (e.getValue().isTextual()) {
          annotations.put(e.getKey(), e.getValue().asText());
        }
      });
    }
    return new Descriptor(mediaType, digest, size, annotations, platform(node.get("platform")));
  }

  private static Optional<String> platform(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Optional.empty();
    }
    String os = node.path("os").asText("");
    String arch = node.path("architecture").asText("");
    String variant = node.path("variant").asText("");
    return Optional.of(os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant));
  }
}
