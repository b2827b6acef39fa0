package dev.strata.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strata.driver.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The smallest v2 registry the pull tests need, over plain HTTP: {@code /v2/}, manifests by tag
 * or digest, blobs with {@code Range}, optional Basic auth, and faults (a blob whose first answer
 * drops the connection halfway, blobs served with other bytes, manifests answering 503 first).
 */
final class TinyRegistry implements AutoCloseable {

  final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  final Map<String, String> manifestTypes = new ConcurrentHashMap<>();
  final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
  /** Blobs whose first GET sends half and drops the connection. */
  final Set<Digest> dropOnce = ConcurrentHashMap.newKeySet();
  /** Blobs answered with these bytes instead of their own. */
  final Map<Digest, byte[]> tampered = new ConcurrentHashMap<>();
  /** How many 503s (with Retry-After: 1) manifest GETs answer before working. */
  final AtomicInteger unavailable = new AtomicInteger();
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  volatile String basicAuth;

  private final HttpServer server;

  TinyRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v2/", this::handle);
    server.start();
  }

  /** {@code 127.0.0.1:<port>}, as image names write it. */
  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  void requireBasic(String user, String password) {
    basicAuth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  Digest putBlob(byte[] content) {
    Digest d = Digest.sha256Of(content);
    blobs.put(d, content);
    return d;
  }

  Digest putManifest(String repo, String tag, String mediaType, byte[] content) {
    Digest d = Digest.sha256Of(content);
    for (String ref : new String[] {tag, d.toString()}) {
      manifests.put(repo + ":" + ref, content);
      manifestTypes.put(repo + ":" + ref, mediaType);
    }
    return d;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String range = ex.getRequestHeaders().getFirst("Range");
      log.add(ex.getRequestMethod() + " " + path + (range == null ? "" : " " + range));
      if (basicAuth != null && !basicAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"tiny\"");
        send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}".getBytes());
        return;
      }
      if (path.equals("/v2/")) {
        send(ex, 200, "{}".getBytes());
        return;
      }
      int m = path.indexOf("/manifests/");
      int b = path.indexOf("/blobs/");
      if (m > 0) {
        if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          ex.getResponseHeaders().add("Retry-After", "1");
          send(ex, 503, new byte[0]);
          return;
        }
        String key = path.substring(4, m) + ":" + path.substring(m + 11);
        byte[] body = manifests.get(key);
        if (body == null) {
          send(ex, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}".getBytes());
          return;
        }
        ex.getResponseHeaders().add("Content-Type", manifestTypes.get(key));
        ex.getResponseHeaders().add("Docker-Content-Digest", Digest.sha256Of(body).toString());
        send(ex, 200, body);
      } else if (b > 0) {
        Digest d = Digest.parse(path.substring(b + 7));
        byte[] body = tampered.getOrDefault(d, blobs.get(d));
        if (body == null) {
          send(ex, 404, new byte[0]);
          return;
        }
        ex.getResponseHeaders().add("Accept-Ranges", "bytes");
        if (dropOnce.remove(d)) {
          ex.sendResponseHeaders(200, body.length);
          OutputStream out = ex.getResponseBody();
          out.write(body, 0, body.length / 2);
          out.flush();
          // Closing short of Content-Length makes the server drop the connection.
          return;
        }
        if (range != null) {
          int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
          ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
          byte[] rest = java.util.Arrays.copyOfRange(body, from, body.length);
          send(ex, 206, rest);
          return;
        }
        send(ex, 200, body);
      } else {
        send(ex, 404, new byte[0]);
      }
    }
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
