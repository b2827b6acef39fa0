package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.image.MediaTypes;
import dev.strata.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fetches the image manifest an {@link ImageName} names, for one platform. Every manifest's bytes
 * are hashed: against the digest asked for, or, when pulled by tag, against the registry's {@code
 * Docker-Content-Digest}. An index (or manifest list) is resolved to the platform's entry, which is
 * then fetched by digest. Schema 1 manifests are refused.
 */
final class ManifestFetcher {

  /** Docker's limit for a manifest; a larger answer is not a manifest. */
  static final long MAX_MANIFEST = 4L << 20;
  /** What a manifest GET accepts: the four current formats, never schema 1. */
  private static final String ACCEPT = String.join(", ",
      MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_LIST);

  private final RegistryTransport transport;

  ManifestFetcher(RegistryTransport transport) {
    this.transport = transport;
  }

  /**
   * @throws NotFoundException if the registry has no such manifest, or an index has no entry for {@code platform}
   * @throws CorruptException if bytes do not match their digest or are not a manifest
   * @throws UnsupportedException for a schema 1 manifest
   */
  Manifest fetch(ImageName name, Platform platform) throws IOException {
    Fetched top = get(name, name.reference(), name.digest());
    if (MediaTypes.isIndex(top.mediaType())) {
      BlobRef chosen = choose(name, top, platform);
      Fetched manifest = get(name, chosen.digest().toString(), Optional.of(chosen.digest()));
      if (!MediaTypes.isManifest(manifest.mediaType())) {
        throw new CorruptException(name.toString(), "the " + platform + " entry of " + name + "'s index is a "
            + manifest.mediaType() + ", not an image manifest");
      }
      return parse(name, manifest);
    }
    return parse(name, top);
  }

  record Fetched(Digest digest, byte[] bytes, String mediaType, JsonNode json) {}

  private Fetched get(ImageName name, String reference, Optional<Digest> expected) throws IOException {
    String what = "manifest " + name.repository() + ":" + reference;
    Request request = Request.get(transport.uri("/v2/" + name.repository() + "/manifests/" + reference),
        Map.of("Accept", ACCEPT), List.of(RegistryTransport.pullScope(name.repository())));
    byte[] bytes;
    Optional<String> headerDigest;
    Optional<String> contentType;
    try (Response r = transport.checked(request, name.toString(), what)) {
      bytes = r.readAll(MAX_MANIFEST, what);
      headerDigest = r.header("Docker-Content-Digest");
      contentType = r.header("Content-Type");
    }
    Digest actual = Digest.sha256Of(bytes);
    if (expected.isPresent() && !expected.get().equals(actual)) {
      throw new CorruptException(expected.get().toString(), what + " hashes to " + actual
          + ", not the digest asked for; the registry or a proxy changed it");
    }
    if (expected.isEmpty() && headerDigest.isPresent()) {
      Optional<Digest> claimed = parseDigest(headerDigest.get());
      if (claimed.isPresent() && !claimed.get().equals(actual)) {
        throw new CorruptException(claimed.get().toString(), what + " hashes to " + actual + ", not "
            + claimed.get() + " as the registry's Docker-Content-Digest says; it was damaged on the way");
      }
    }
    JsonNode json = Json.parse(bytes, what);
    JsonNode version = json.get("schemaVersion");
    Optional<String> declared = Json.text(json, "mediaType");
    String type = declared.orElse(contentType.map(t -> t.split(";")[0].trim()).orElse(""));
    if ((version != null && version.asInt() == 1) || MediaTypes.isSchema1(type)) {
      throw new UnsupportedException(name.toString(), what + " is a Docker schema 1 manifest, which Strata does"
          + " not pull (deprecated since Docker 1.10); push the image again with a current client");
    }
    if (type.isEmpty() || type.equals("application/json")) {
      // OCI allows omitting mediaType: an index has "manifests", an image manifest "config".
      type = json.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
    if (!MediaTypes.isIndex(type) && !MediaTypes.isManifest(type)) {
      throw new UnsupportedException(name.toString(), what + " has media type " + type + ", which is not an"
          + " image manifest or index Strata knows");
    }
    return new Fetched(actual, bytes, type, json);
  }

  private static BlobRef choose(ImageName name, Fetched index, Platform platform) throws CorruptException,
      NotFoundException {
    String what = "index " + index.digest() + " of " + name;
    JsonNode manifests = index.json().get("manifests");
    if (manifests == null || !manifests.isArray()) {
      throw new CorruptException(name.toString(), what + " has no 'manifests' array");
    }
    List<String> available = new ArrayList<>();
    for (JsonNode entry : manifests) {
      JsonNode p = entry.get("platform");
      if (p == null || !p.isObject()) {
        continue;
      }
      String os = Json.text(p, "os").orElse("");
      String arch = Json.text(p, "architecture").orElse("");
      Optional<String> variant = Json.text(p, "variant");
      if (platform.matches(os, arch, variant)) {
        String mediaType = Json.text(entry, "mediaType").orElse(MediaTypes.OCI_MANIFEST);
        return new BlobRef(Json.digest(entry, "digest", what), Json.nonNegativeLong(entry, "size", what), mediaType);
      }
      // Attestations and signatures sit in indexes as unknown/unknown; they are no platform to offer.
      if (!os.equals("unknown")) {
        available.add(os + "/" + arch + variant.map(v -> "/" + v).orElse(""));
      }
    }
    throw new NotFoundException(name.toString(), name + " has no image for " + platform + "; it offers "
        + (available.isEmpty() ? "none" : String.join(", ", available)) + " (choose one with the platform setting)");
  }

  private static Manifest parse(ImageName name, Fetched m) throws CorruptException {
    String what = "manifest " + m.digest() + " of " + name;
    JsonNode config = m.json().get("config");
    JsonNode layers = m.json().get("layers");
    if (config == null || !config.isObject() || layers == null || !layers.isArray()) {
      throw new CorruptException(name.toString(), what + " lacks a 'config' object or a 'layers' array");
    }
    List<BlobRef> refs = new ArrayList<>();
    for (JsonNode layer : layers) {
      String w = what + " layers[" + refs.size() + "]";
      refs.add(new BlobRef(Json.digest(layer, "digest", w), Json.nonNegativeLong(layer, "size", w),
          Json.text(layer, "mediaType").orElse("")));
    }
    BlobRef cfg = new BlobRef(Json.digest(config, "digest", what + " config"),
        Json.nonNegativeLong(config, "size", what + " config"), Json.text(config, "mediaType").orElse(""));
    return new Manifest(m.digest(), m.bytes(), m.mediaType(), cfg, refs);
  }

  private static Optional<Digest> parseDigest(String text) {
    try {
      return Optional.of(Digest.parse(text.trim()));
    } catch (IllegalArgumentException e) {
      // Another algorithm (sha512) cannot be compared to our sha256; the bytes still parse or fail below.
      return Optional.empty();
    }
  }
}
