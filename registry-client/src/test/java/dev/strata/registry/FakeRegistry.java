package dev.strata.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.strata.testing.LayerTarBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * An in-process OCI Distribution v2 registry on {@code 127.0.0.1} and a free port, holding
 * everything in memory, with injectable {@link Faults} and a {@link RequestLog}. It implements
 * enough for pull and push: {@code /v2/}, manifests by tag or digest ({@link FakeManifestHandler}),
 * blobs with ranges ({@link FakeBlobHandler}), uploads with mounts and chunks
 * ({@link FakeUploadHandler}), {@code tags/list}, and basic or bearer auth ({@link FakeAuth}).
 *
 * <pre>{@code
 * try (FakeRegistry fake = FakeRegistry.builder().tls().bearerAuth("u", "p").start()) {
 *   byte[] layer = new LayerTarBuilder().file("a", "1", 0644).build();
 *   TestImage image = TestImage.of(ManifestFormat.OCI, "amd64", List.of(layer));
 *   fake.put("library/a", "latest", image);
 *   fake.faults().dropBlobConnection(image.layerDigests().get(0), 10, 1);
 *   // client under test: fake.url(), fake.caCertificate(), user "u" / password "p"
 *   assertEquals(1, fake.requests().count("HEAD", "/v2/library/a/manifests/latest"));
 * }
 * }</pre>
 */
public final class FakeRegistry implements AutoCloseable {

  private static final Pattern UPLOADS = Pattern.compile("^/v2/(.+)/blobs/uploads/([^/]*)$");
  private static final Pattern BLOBS = Pattern.compile("^/v2/(.+)/blobs/([^/]+)$");
  private static final Pattern MANIFESTS = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");
  private static final Pattern TAGS = Pattern.compile("^/v2/(.+)/tags/list$");

  private final HttpServer server;
  private final ExecutorService executor;
  private final Optional<Certificates> certificates;
  private final Optional<Path> ownedDir;
  private final String url;
  private final FakeStorage storage = new FakeStorage();
  private final Faults faults = new Faults();
  private final RequestLog requests = new RequestLog();
  private final FakeAuth auth;
  private final FakeBlobHandler blobs;
  private final FakeManifestHandler manifests;
  private final FakeUploadHandler uploads;
  private final Optional<String[]> credentials;
  private boolean closed;

  private FakeRegistry(FakeRegistryBuilder options, Optional<Certificates> certificates,
      Optional<Path> ownedDir) throws IOException {
    this.certificates = certificates;
    this.ownedDir = ownedDir;
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (certificates.isPresent()) {
      HttpsServer https = HttpsServer.create(address, 50);
      https.setHttpsConfigurator(new HttpsConfigurator(certificates.get().serverContext()));
      server = https;
    } else {
      server = HttpServer.create(address, 50);
    }
    url = (certificates.isPresent() ? "https://" : "http://") + "127.0.0.1:" + server.getAddress().getPort();
    credentials = options.username.map(u -> new String[] {u, options.password});
    auth = new FakeAuth(options.authMode, options.username.orElse(""), options.password,
        options.anonymousPull, url + "/token");
    blobs = new FakeBlobHandler(storage, faults);
    manifests = new FakeManifestHandler(storage, faults, url);
    uploads = new FakeUploadHandler(storage, url);
    // Several threads: clients download blobs in parallel, and a stalled one must not block others.
    executor = Executors.newFixedThreadPool(8, runnable -> {
      Thread thread = new Thread(runnable, "fake-registry-" + server.getAddress().getPort());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public static FakeRegistryBuilder builder() {
    return new FakeRegistryBuilder();
  }

  /** Plain HTTP, no auth. */
  public static FakeRegistry plain() throws IOException {
    return builder().start();
  }

  static FakeRegistry start(FakeRegistryBuilder options) throws IOException {
    if (!options.tls) {
      return new FakeRegistry(options, Optional.empty(), Optional.empty());
    }
    if (options.certificates.isPresent()) {
      return new FakeRegistry(options, options.certificates, Optional.empty());
    }
    Path dir = Files.createTempDirectory("strata-fake-registry-");
    try {
      return new FakeRegistry(options, Optional.of(Certificates.create(dir)), Optional.of(dir));
    } catch (IOException | RuntimeException e) {
      TempDirs.deleteRecursively(dir);
      throw e;
    }
  }

  /** {@code http://127.0.0.1:PORT} or {@code https://127.0.0.1:PORT}. */
  public String url() {
    return url;
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** The certificates this registry serves with; TLS only. Pass to another fake to share the CA. */
  public Certificates certificates() {
    return certificates.orElseThrow(() -> new IllegalStateException("fake registry " + url + " is plain HTTP"));
  }

  public Path caCertificate() {
    return certificates().caCertificate();
  }

  public SSLContext sslContext() {
    return certificates().clientContext();
  }

  /** Lays out {@code dir/<host:port>/ca.crt} like Docker's certs.d and returns {@code dir}. */
  public Path certsDir(Path dir) throws IOException {
    return certificates().certsDir(dir, host());
  }

  public Faults faults() {
    return faults;
  }

  public RequestLog requests() {
    return requests;
  }

  /** The most blob GETs this registry was answering at one time, for parallelism bounds. */
  public int maxConcurrentBlobGets() {
    return blobs.maxConcurrentGets();
  }

  /** Invalidates every bearer token issued so far: the next use of one gets a 401 challenge. */
  public void revokeTokens() {
    auth.revokeTokens();
  }

  /** Stores an image directly (no HTTP, nothing logged); returns its manifest digest. */
  public String put(String repository, String tag, TestImage image) {
    image.blobs().forEach((digest, blob) -> storage.putBlob(repository, blob));
    return storage.putManifest(repository, tag, image.mediaType(), image.manifest());
  }

  /** Stores every platform's image by digest and the index under {@code tag}; returns the index digest. */
  public String put(String repository, String tag, TestIndex index) {
    index.images().values().forEach(image -> put(repository, image.digest(), image));
    return storage.putManifest(repository, tag, index.mediaType(), index.index());
  }

  public String putBlob(String repository, byte[] blob) {
    return storage.putBlob(repository, blob);
  }

  /** A blob as stored (for checking what a push uploaded). */
  public Optional<byte[]> blob(String repository, String digest) {
    return storage.blob(repository, digest).map(byte[]::clone);
  }

  /** A manifest's bytes by tag or digest, as stored. */
  public Optional<byte[]> manifest(String repository, String reference) {
    return storage.manifest(repository, reference).map(m -> m.bytes().clone());
  }

  public Optional<String> manifestMediaType(String repository, String reference) {
    return storage.manifest(repository, reference).map(FakeStorage.StoredManifest::mediaType);
  }

  /**
   * Raw HTTP access trusting this registry's CA, sending basic credentials when it has any (which
   * passes basic auth; in bearer mode use it for {@code /token} and add the token by hand).
   */
  public RawPush raw() {
    RawPush plain = RawPush.to(url);
    RawPush raw = certificates.map(Certificates::clientContext).map(plain::trusting).orElse(plain);
    return credentials.map(c -> raw.basicAuth(c[0], c[1])).orElse(raw);
  }

  FakeStorage storage() {
    return storage;
  }

  /** Stops the server and deletes its certificates if it made them. Idempotent. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdownNow();
    if (ownedDir.isPresent()) {
      TempDirs.deleteRecursively(ownedDir.get());
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    requests.add(new RecordedRequest(method, path,
        Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""), exchange.getRequestHeaders()));
    exchange.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
    Optional<Faults.StatusFault> fault = faults.statusFor(method, path);
    if (fault.isPresent()) {
      fault.get().headers().forEach(exchange.getResponseHeaders()::set);
      Exchanges.error(exchange, fault.get().status(), code(fault.get().status()), "injected fault");
      return;
    }
    if (path.equals("/token") && auth.servesTokens()) {
      auth.token(exchange);
      return;
    }
    boolean write = !method.equals("GET") && !method.equals("HEAD");
    String action = write ? "push" : "pull";
    if (path.equals("/v2/") || path.equals("/v2")) {
      if (auth.authorize(exchange, Optional.empty(), action)) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        Exchanges.send(exchange, 200, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      return;
    }
    Matcher m;
    if ((m = UPLOADS.matcher(path)).matches()) {
      if (auth.authorize(exchange, Optional.of(m.group(1)), "push")) {
        uploads.handle(exchange, m.group(1), m.group(2));
      }
    } else if ((m = BLOBS.matcher(path)).matches() && !write) {
      if (auth.authorize(exchange, Optional.of(m.group(1)), action)) {
        blobs.handle(exchange, m.group(1), m.group(2));
      }
    } else if ((m = MANIFESTS.matcher(path)).matches() && (!write || method.equals("PUT"))) {
      if (auth.authorize(exchange, Optional.of(m.group(1)), action)) {
        manifests.handle(exchange, m.group(1), m.group(2));
      }
    } else if ((m = TAGS.matcher(path)).matches() && !write) {
      if (auth.authorize(exchange, Optional.of(m.group(1)), action)) {
        String tags = String.join("\",\"", storage.tags(m.group(1)));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        Exchanges.send(exchange, 200, ("{\"name\":\"" + m.group(1) + "\",\"tags\":["
            + (tags.isEmpty() ? "" : "\"" + tags + "\"") + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    } else {
      Exchanges.error(exchange, 404, "NOT_FOUND", method + " " + path + " is not part of this fake");
    }
  }

  private static String code(int status) {
    return switch (status) {
      case 401 -> "UNAUTHORIZED";
      case 403 -> "DENIED";
      case 404 -> "NOT_FOUND";
      case 429 -> "TOOMANYREQUESTS";
      case 503 -> "UNAVAILABLE";
      default -> "UNKNOWN";
    };
  }
}
