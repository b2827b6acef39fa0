package dev.strata.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strata.driver.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal in-memory Distribution (v2) registry over plain HTTP for push and pull tests: blob
 * HEAD/GET, uploads (POST, chunked PATCH with Content-Range, closing PUT with {@code ?digest=}, the
 * session's state kept in the Location's query as real registries do), cross-repository mount,
 * manifest PUT/GET by tag or digest, optional Basic auth, a request log and two faults (a wrong
 * confirmed digest for blobs or manifests). Public for the cli's tests, through this module's test jar.
 */
public final class UploadRegistry implements AutoCloseable {

  private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/?");
  private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([0-9a-f-]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final String WRONG = "sha256:" + "0".repeat(64);

  private record Stored(byte[] bytes, String mediaType) {}

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final Map<String, byte[]> blobs = new HashMap<>();
  private final Map<String, Set<String>> repoBlobs = new HashMap<>();
  private final Map<String, Stored> manifests = new HashMap<>();
  private final Map<String, ByteArrayOutputStream> uploads = new HashMap<>();
  private final List<String> log = new ArrayList<>();
  private long uploadedBytes;
  private final Optional<String> basic;
  private volatile boolean wrongBlobDigest;
  private volatile boolean wrongManifestDigest;
  private volatile boolean mountable = true;
  private volatile int mountRefusal;

  private UploadRegistry(Optional<String> basic) throws IOException {
    this.basic = basic;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  public static UploadRegistry start() throws IOException {
    return new UploadRegistry(Optional.empty());
  }

  /** A registry that answers only requests with these Basic credentials. */
  public static UploadRegistry withLogin(String user, String password) throws IOException {
    return new UploadRegistry(Optional.of("Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))));
  }

  /** {@code 127.0.0.1:port}, as image names write it. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  void confirmWrongBlobDigest() {
    wrongBlobDigest = true;
  }

  void confirmWrongManifestDigest() {
    wrongManifestDigest = true;
  }

  /** Makes mounts answer 202 (an upload session), as a registry that cannot mount does. */
  void refuseMounts() {
    mountable = false;
  }

  /** Makes mounts fail with HTTP {@code status}, as registries that deny the source repository do. */
  void refuseMountsWith(int status) {
    mountRefusal = status;
  }

  /** Requests so far, as {@code METHOD path?query}. */
  public synchronized List<String> requests() {
    return List.copyOf(log);
  }

  synchronized void clearLog() {
    log.clear();
    uploadedBytes = 0;
  }

  /** Bytes received in upload PATCHes and PUTs since start or {@link #clearLog}: what pushes sent as blobs. */
  synchronized long uploadedBytes() {
    return uploadedBytes;
  }

  /** Upload sessions begun and neither finished nor cancelled. */
  synchronized int openUploads() {
    return uploads.size();
  }

  /** How many requests used {@code method} on a path containing {@code part}. */
  public synchronized long count(String method, String part) {
    return log.stream().filter(l -> l.startsWith(method + " ") && l.contains(part)).count();
  }

  synchronized boolean hasBlob(String repository, Digest digest) {
    return repoBlobs.getOrDefault(repository, Set.of()).contains(digest.toString());
  }

  synchronized Optional<byte[]> manifest(String repository, String reference) {
    return Optional.ofNullable(manifests.get(repository + "@" + reference)).map(Stored::bytes);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getRawPath();
      String query = ex.getRequestURI().getRawQuery();
      byte[] body = ex.getRequestBody().readAllBytes();
      synchronized (this) {
        log.add(method + " " + path + (query == null ? "" : "?" + query));
      }
      if (basic.isPresent() && !basic.get().equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
        error(ex, 401, "UNAUTHORIZED");
        return;
      }
      Map<String, String> q = query(query);
      Matcher m;
      synchronized (this) {
        if (path.equals("/v2/") || path.equals("/v2")) {
          send(ex, 200, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        } else if ((m = UPLOADS.matcher(path)).matches() && method.equals("POST")) {
          startUpload(ex, m.group(1), q);
        } else if ((m = UPLOAD.matcher(path)).matches()) {
          continueUpload(ex, method, m.group(1), m.group(2), q, body);
        } else if ((m = BLOB.matcher(path)).matches()) {
          byte[] blob = repoBlobs.getOrDefault(m.group(1), Set.of()).contains(m.group(2)) ? blobs.get(m.group(2)) : null;
          if (blob == null) {
            error(ex, 404, "BLOB_UNKNOWN");
          } else {
            ex.getResponseHeaders().add("Docker-Content-Digest", m.group(2));
            send(ex, 200, method.equals("HEAD") ? null : blob, "application/octet-stream");
          }
        } else if ((m = MANIFEST.matcher(path)).matches()) {
          manifest(ex, method, m.group(1), m.group(2), body);
        } else {
          error(ex, 404, "NAME_UNKNOWN");
        }
      }
    }
  }

  private void startUpload(HttpExchange ex, String repo, Map<String, String> q) throws IOException {
    String mount = q.get("mount");
    String from = q.get("from");
    if (mount != null && mountRefusal != 0) {
      error(ex, mountRefusal, "DENIED");
      return;
    }
    if (mount != null && from != null && mountable && repoBlobs.getOrDefault(from, Set.of()).contains(mount)) {
      repoBlobs.computeIfAbsent(repo, r -> new HashSet<>()).add(mount);
      ex.getResponseHeaders().add("Location", "/v2/" + repo + "/blobs/" + mount);
      ex.getResponseHeaders().add("Docker-Content-Digest", mount);
      send(ex, 201, null, null);
      return;
    }
    String id = UUID.randomUUID().toString();
    uploads.put(id, new ByteArrayOutputStream());
    ex.getResponseHeaders().add("Location", "/v2/" + repo + "/blobs/uploads/" + id + "?_state=s0");
    ex.getResponseHeaders().add("Range", "0-0");
    send(ex, 202, null, null);
  }

  private void continueUpload(HttpExchange ex, String method, String repo, String id, Map<String, String> q,
      byte[] body) throws IOException {
    ByteArrayOutputStream upload = uploads.get(id);
    if (upload == null) {
      error(ex, 404, "BLOB_UPLOAD_UNKNOWN");
      return;
    }
    if (method.equals("DELETE")) {
      uploads.remove(id);
      send(ex, 204, null, null);
      return;
    }
    uploadedBytes += body.length;
    if (method.equals("PATCH")) {
      String range = ex.getRequestHeaders().getFirst("Content-Range");
      if (range != null && Long.parseLong(range.split("-")[0]) != upload.size()) {
        send(ex, 416, null, null);
        return;
      }
      upload.write(body);
      ex.getResponseHeaders().add("Location", "/v2/" + repo + "/blobs/uploads/" + id + "?_state=s" + upload.size());
      ex.getResponseHeaders().add("Range", "0-" + (upload.size() - 1));
      send(ex, 202, null, null);
    } else if (method.equals("PUT")) {
      upload.write(body);
      byte[] bytes = upload.toByteArray();
      String actual = Digest.sha256Of(bytes).toString();
      if (!actual.equals(q.get("digest"))) {
        error(ex, 400, "DIGEST_INVALID");
        return;
      }
      uploads.remove(id);
      blobs.put(actual, bytes);
      repoBlobs.computeIfAbsent(repo, r -> new HashSet<>()).add(actual);
      ex.getResponseHeaders().add("Location", "/v2/" + repo + "/blobs/" + actual);
      ex.getResponseHeaders().add("Docker-Content-Digest", wrongBlobDigest ? WRONG : actual);
      send(ex, 201, null, null);
    } else {
      error(ex, 405, "UNSUPPORTED");
    }
  }

  private void manifest(HttpExchange ex, String method, String repo, String ref, byte[] body) throws IOException {
    if (method.equals("PUT")) {
      String digest = Digest.sha256Of(body).toString();
      Stored stored = new Stored(body, ex.getRequestHeaders().getFirst("Content-Type"));
      manifests.put(repo + "@" + ref, stored);
      manifests.put(repo + "@" + digest, stored);
      ex.getResponseHeaders().add("Docker-Content-Digest", wrongManifestDigest ? WRONG : digest);
      ex.getResponseHeaders().add("Location", "/v2/" + repo + "/manifests/" + digest);
      send(ex, 201, null, null);
      return;
    }
    Stored stored = manifests.get(repo + "@" + ref);
    if (stored == null) {
      error(ex, 404, "MANIFEST_UNKNOWN");
      return;
    }
    ex.getResponseHeaders().add("Docker-Content-Digest", Digest.sha256Of(stored.bytes()).toString());
    send(ex, 200, method.equals("HEAD") ? null : stored.bytes(), stored.mediaType());
  }

  private static void error(HttpExchange ex, int status, String code) throws IOException {
    send(ex, status, ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"test registry\"}]}")
        .getBytes(StandardCharsets.UTF_8), "application/json");
  }

  private static void send(HttpExchange ex, int status, byte[] body, String type) throws IOException {
    if (type != null) {
      ex.getResponseHeaders().add("Content-Type", type);
    }
    if (body == null || body.length == 0 || ex.getRequestMethod().equals("HEAD")) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return q;
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
