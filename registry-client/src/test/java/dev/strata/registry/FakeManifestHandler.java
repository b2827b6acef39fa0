package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET}/{@code HEAD}/{@code PUT /v2/<name>/manifests/<tag or digest>}. A GET answers with the
 * media type the manifest was put with, whatever the Accept header says; a PUT checks, as
 * Distribution does, that every blob (config, layers) or, for an index, every manifest it refers to
 * is already in the repository (400 MANIFEST_BLOB_UNKNOWN otherwise) and that a digest reference is
 * the body's digest (400 DIGEST_INVALID).
 */
final class FakeManifestHandler {

  private final FakeStorage storage;
  private final Faults faults;
  private final String url;

  FakeManifestHandler(FakeStorage storage, Faults faults, String url) {
    this.storage = storage;
    this.faults = faults;
    this.url = url;
  }

  void handle(HttpExchange exchange, String repository, String reference) throws IOException {
    if (exchange.getRequestMethod().equals("PUT")) {
      put(exchange, repository, reference);
      return;
    }
    Optional<FakeStorage.StoredManifest> stored = storage.manifest(repository, reference);
    if (stored.isEmpty()) {
      Exchanges.error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown: " + repository + ":" + reference);
      return;
    }
    FakeStorage.StoredManifest manifest = stored.get();
    byte[] body = manifest.bytes();
    if (faults.corruptsManifest(reference, manifest.digest())) {
      // Still valid JSON, so only a client that checks the digest notices.
      body = (new String(body, java.nio.charset.StandardCharsets.UTF_8) + " ")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    exchange.getResponseHeaders().set("Content-Type", manifest.mediaType());
    exchange.getResponseHeaders().set("Docker-Content-Digest", manifest.digest());
    exchange.getResponseHeaders().set("ETag", "\"" + manifest.digest() + "\"");
    Exchanges.send(exchange, 200, body);
  }

  private void put(HttpExchange exchange, String repository, String reference) throws IOException {
    byte[] body = Exchanges.body(exchange);
    JsonNode json;
    try {
      json = TestImage.JSON.readTree(body);
    } catch (IOException e) {
      Exchanges.error(exchange, 400, "MANIFEST_INVALID", "not JSON: " + e.getMessage());
      return;
    }
    if (json == null || !json.isObject()) {
      Exchanges.error(exchange, 400, "MANIFEST_INVALID", "not a JSON object");
      return;
    }
    String digest = Sha256.of(body);
    if (reference.contains(":") && !reference.equals(digest)) {
      Exchanges.error(exchange, 400, "DIGEST_INVALID", "body digest " + digest + " is not " + reference);
      return;
    }
    String mediaType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type"))
        .or(() -> Optional.ofNullable(json.get("mediaType")).map(JsonNode::asText))
        .orElse("");
    List<String> missing = missingReferences(repository, json);
    if (!missing.isEmpty()) {
      Exchanges.error(exchange, 400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry: " + missing);
      return;
    }
    storage.putManifest(repository, reference, mediaType, body);
    exchange.getResponseHeaders().set("Location", url + "/v2/" + repository + "/manifests/" + digest);
    exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
    Exchanges.empty(exchange, 201);
  }

  private List<String> missingReferences(String repository, JsonNode json) {
    List<String> missing = new ArrayList<>();
    for (JsonNode entry : json.path("manifests")) {
      String digest = entry.path("digest").asText();
      if (storage.manifest(repository, digest).isEmpty()) {
        missing.add(digest);
      }
    }
    List<JsonNode> blobs = new ArrayList<>();
    if (json.has("config")) {
      blobs.add(json.get("config"));
    }
    json.path("layers").forEach(blobs::add);
    for (JsonNode blob : blobs) {
      String digest = blob.path("digest").asText();
      if (storage.blob(repository, digest).isEmpty()) {
        missing.add(digest);
      }
    }
    return missing;
  }
}
