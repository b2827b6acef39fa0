package dev.strata.registry;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob uploads under {@code /v2/<name>/blobs/uploads/}:
 * <ul>
 *   <li>{@code POST} starts one: 202 with Location (absolute, carrying a {@code _state} query as
 *       Distribution's does, so a client must append {@code &digest=}, not {@code ?digest=}),
 *       {@code Range: 0-0} and Docker-Upload-UUID. With {@code ?digest=} the body is the whole blob
 *       (201). With {@code ?mount=<digest>&from=<repo>}: 201 when {@code from} holds the blob,
 *       otherwise an ordinary 202 upload, as the spec allows.
 *   <li>{@code PATCH <location>} appends a chunk; a {@code Content-Range: a-b} whose start is not
 *       the current size gets 416. Answers 202 with {@code Range: 0-<last byte>}.
 *   <li>{@code PUT <location>&digest=} appends the body, if any, and commits: 201, or 400
 *       DIGEST_INVALID when the bytes do not hash to the digest (the upload is then discarded).
 *   <li>{@code GET <location>} reports progress: 204 with Range.
 * </ul>
 */
final class FakeUploadHandler {

  private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)");

  private final FakeStorage storage;
  private final String url;

  FakeUploadHandler(FakeStorage storage, String url) {
    this.storage = storage;
    this.url = url;
  }

  void handle(HttpExchange exchange, String repository, String uuid) throws IOException {
    String method = exchange.getRequestMethod();
    if (uuid.isEmpty()) {
      if (method.equals("POST")) {
        start(exchange, repository);
      } else {
        Exchanges.error(exchange, 405, "UNSUPPORTED", method + " on the uploads collection");
      }
      return;
    }
    Optional<FakeStorage.Upload> found = storage.upload(repository, uuid);
    if (found.isEmpty()) {
      Exchanges.error(exchange, 404, "BLOB_UPLOAD_UNKNOWN", "upload unknown: " + uuid);
      return;
    }
    FakeStorage.Upload upload = found.get();
    switch (method) {
      case "PATCH" -> patch(exchange, upload);
      case "PUT" -> commit(exchange, upload, Exchanges.query(exchange).get("digest"));
      case "GET" -> progress(exchange, upload, 204);
      case "DELETE" -> {
        storage.endUpload(uuid);
        Exchanges.empty(exchange, 204);
      }
      default -> Exchanges.error(exchange, 405, "UNSUPPORTED", method + " on an upload");
    }
  }

  private void start(HttpExchange exchange, String repository) throws IOException {
    Map<String, String> query = Exchanges.query(exchange);
    String mount = query.get("mount");
    String from = query.get("from");
    if (mount != null && from != null) {
      Optional<byte[]> blob = storage.blob(from, mount);
      if (blob.isPresent()) {
        storage.putBlob(repository, blob.get());
        created(exchange, repository, mount);
        return;
      }
    }
    FakeStorage.Upload upload = storage.startUpload(repository);
    if (query.containsKey("digest")) {
      commit(exchange, upload, query.get("digest"));
      return;
    }
    progress(exchange, upload, 202);
  }

  private void patch(HttpExchange exchange, FakeStorage.Upload upload) throws IOException {
    String contentRange = exchange.getRequestHeaders().getFirst("Content-Range");
    byte[] chunk = Exchanges.body(exchange);
    if (contentRange != null) {
      Matcher m = CONTENT_RANGE.matcher(contentRange.trim());
      if (!m.matches() || Long.parseLong(m.group(1)) != upload.size()) {
        exchange.getResponseHeaders().set("Range", range(upload));
        Exchanges.error(exchange, 416, "BLOB_UPLOAD_INVALID",
            "Content-Range " + contentRange + " does not start at " + upload.size());
        return;
      }
    }
    upload.append(chunk);
    progress(exchange, upload, 202);
  }

  private void commit(HttpExchange exchange, FakeStorage.Upload upload, String digest) throws IOException {
    upload.append(Exchanges.body(exchange));
    if (digest == null) {
      Exchanges.error(exchange, 400, "DIGEST_INVALID", "PUT without ?digest=");
      return;
    }
    byte[] blob = upload.bytes();
    storage.endUpload(upload.uuid);
    String actual = Sha256.of(blob);
    if (!actual.equals(digest)) {
      Exchanges.error(exchange, 400, "DIGEST_INVALID", "uploaded content is " + actual + ", not " + digest);
      return;
    }
    storage.putBlob(upload.repository, blob);
    created(exchange, upload.repository, digest);
  }

  private void created(HttpExchange exchange, String repository, String digest) throws IOException {
    exchange.getResponseHeaders().set("Location", url + "/v2/" + repository + "/blobs/" + digest);
    exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
    Exchanges.empty(exchange, 201);
  }

  private void progress(HttpExchange exchange, FakeStorage.Upload upload, int status) throws IOException {
    exchange.getResponseHeaders().set("Location",
        url + "/v2/" + upload.repository + "/blobs/uploads/" + upload.uuid + "?_state=" + upload.uuid);
    exchange.getResponseHeaders().set("Range", range(upload));
    exchange.getResponseHeaders().set("Docker-Upload-UUID", upload.uuid);
    Exchanges.empty(exchange, status);
  }

  /** Distribution writes {@code 0-0} for an empty upload, not an empty range. */
  private static String range(FakeStorage.Upload upload) {
    return "0-" + Math.max(0, upload.size() - 1);
  }
}
