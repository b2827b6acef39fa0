package dev.strata.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Stores images in a registry over plain HTTP requests, independent of the client under test:
 * each blob by a monolithic upload ({@code POST /v2/<name>/blobs/uploads/}, then {@code PUT
 * <Location>&digest=...} with the whole blob), then the manifest by {@code PUT
 * /v2/<name>/manifests/<reference>} with the manifest's own media type as Content-Type.
 *
 * <p>Immutable; {@link #trusting} and {@link #basicAuth} return configured copies.
 */
public final class RawPush {

  private final String url;
  private final Optional<SSLContext> tls;
  private final Optional<String> authorization;
  private final HttpClient client;

  private RawPush(String url, Optional<SSLContext> tls, Optional<String> authorization) {
    this.url = url;
    this.tls = tls;
    this.authorization = authorization;
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER);
    tls.ifPresent(builder::sslContext);
    this.client = builder.build();
  }

  /** A pusher to {@code url} ({@code http://host:port} or {@code https://host:port}). */
  public static RawPush to(String url) {
    return new RawPush(url, Optional.empty(), Optional.empty());
  }

  public RawPush trusting(SSLContext context) {
    return new RawPush(url, Optional.of(context), authorization);
  }

  public RawPush basicAuth(String username, String password) {
    String token = Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new RawPush(url, tls, Optional.of("Basic " + token));
  }

  /** Uploads the image's blobs and puts its manifest under {@code tag}; returns the manifest digest. */
  public String push(String repository, String tag, TestImage image) throws IOException {
    for (Map.Entry<String, byte[]> blob : image.blobs().entrySet()) {
      uploadBlob(repository, blob.getKey(), blob.getValue());
    }
    putManifest(repository, tag, image.mediaType(), image.manifest());
    return image.digest();
  }

  /**
   * Pushes every platform's image by digest (registries refuse an index whose manifests they
   * lack), then the index under {@code tag}; returns the index digest.
   */
  public String push(String repository, String tag, TestIndex index) throws IOException {
    for (TestImage image : index.images().values()) {
      push(repository, image.digest(), image);
    }
    putManifest(repository, tag, index.mediaType(), index.index());
    return index.digest();
  }

  /** Monolithic upload: POST for an upload URL, then one PUT with the blob and its digest. */
  public void uploadBlob(String repository, String digest, byte[] blob) throws IOException {
    HttpResponse<byte[]> start = send(request("/v2/" + repository + "/blobs/uploads/")
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    expect(start, 202, "start upload of " + digest);
    String location = start.headers().firstValue("Location")
        .orElseThrow(() -> new IOException("upload of " + digest + ": 202 without Location"));
    // Location may be relative and may already carry a query (Distribution adds _state=...).
    URI target = URI.create(url).resolve(location);
    String put = target + (target.getRawQuery() == null ? "?" : "&")
        + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8);
    HttpResponse<byte[]> done = send(authorized(HttpRequest.newBuilder(URI.create(put)))
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build());
    expect(done, 201, "finish upload of " + digest);
  }

  public void putManifest(String repository, String reference, String mediaType, byte[] manifest)
      throws IOException {
    HttpResponse<byte[]> response = send(request("/v2/" + repository + "/manifests/" + reference)
        .header("Content-Type", mediaType)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build());
    expect(response, 201, "put manifest " + repository + ":" + reference);
  }

  /** A request to {@code path} on this registry, with the Authorization header when configured. */
  public HttpRequest.Builder request(String path) {
    return authorized(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)));
  }

  /** A request without credentials, whatever this pusher was configured with. */
  public HttpRequest.Builder anonymous(String path) {
    return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
  }

  public HttpResponse<byte[]> send(HttpRequest request) throws IOException {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + request.method() + " " + request.uri(), e);
    }
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder builder) {
    authorization.ifPresent(value -> builder.header("Authorization", value));
    return builder;
  }

  private static void expect(HttpResponse<byte[]> response, int status, String what) throws IOException {
    if (response.statusCode() != status) {
      throw new IOException(what + ": expected " + status + ", got " + response.statusCode() + " "
          + new String(response.body(), StandardCharsets.UTF_8));
    }
  }
}
