package dev.strata.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The real Distribution registry ({@code /usr/bin/docker-registry}, Debian's
 * {@code docker-registry} package, 2.8) on {@code 127.0.0.1} and a free port, with filesystem
 * storage and deletes enabled, all in a temp dir that {@link #close()} removes.
 *
 * <pre>{@code
 * try (RegistryServer registry = RegistryServer.start(RegistryServer.Mode.TLS_AUTH)) {
 *   String digest = registry.pushRaw("library/hello", "latest", List.of(layerTar), config);
 *   // client under test: registry.url(), registry.caCertificate(), registry.username()/password()
 * }
 * }</pre>
 *
 * Guard tests with {@code assumeTrue(RegistryServer.available())}; CI installs the tools.
 */
public final class RegistryServer implements AutoCloseable {

  /** How the registry listens. */
  public enum Mode {
    /** {@code http://}, no auth: only usable by a client that lists the registry as insecure. */
    PLAIN,
    /** {@code https://} with a certificate from a CA made at start ({@link #caCertificate()}). */
    TLS,
    /** {@code https://} plus htpasswd (bcrypt) basic auth for {@link #username()}/{@link #password()}. */
    TLS_AUTH
  }

  static final Path BINARY = Paths.get("/usr/bin/docker-registry");
  private static final String USERNAME = "strata";
  private static final String PASSWORD = "s3cret-pass";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Mode mode;
  private final Path dir;
  private final int port;
  private final Process process;
  private final Optional<Certificates> certificates;
  private final RawPush push;
  private boolean closed;

  private RegistryServer(Mode mode, Path dir, int port, Process process,
      Optional<Certificates> certificates) {
    this.mode = mode;
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.certificates = certificates;
    RawPush raw = RawPush.to(url());
    raw = certificates.map(Certificates::clientContext).map(raw::trusting).orElse(raw);
    this.push = mode == Mode.TLS_AUTH ? raw.basicAuth(USERNAME, PASSWORD) : raw;
  }

  /** True when the registry binary, {@code openssl} and {@code htpasswd} are all installed. */
  public static boolean available() {
    return java.nio.file.Files.isExecutable(BINARY) && onPath("openssl") && onPath("htpasswd");
  }

  /** Starts a registry and returns once {@code GET /v2/} answers 200 or 401. */
  public static RegistryServer start(Mode mode) throws IOException {
    Path dir = Files.createTempDirectory("strata-registry-");
    try {
      Optional<Certificates> certificates = mode == Mode.PLAIN
          ? Optional.empty() : Optional.of(Certificates.create(dir));
      if (mode == Mode.TLS_AUTH) {
        // Distribution accepts bcrypt entries only, hence -B.
        Files.writeString(dir.resolve("htpasswd"),
            Certificates.run(dir, "htpasswd", "-Bbn", USERNAME, PASSWORD).strip() + "\n");
      }
      IOException last = null;
      // The port is free when probed but may be taken before the registry binds it: try again.
      for (int attempt = 0; attempt < 3; attempt++) {
        try {
          return launch(mode, dir, certificates, freePort());
        } catch (PortTakenException e) {
          last = e;
        }
      }
      throw last;
    } catch (IOException | RuntimeException e) {
      try {
        TempDirs.deleteRecursively(dir);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static RegistryServer launch(Mode mode, Path dir, Optional<Certificates> certificates,
      int port) throws IOException {
    Path config = dir.resolve("config-" + port + ".yml");
    Files.writeString(config, config(mode, dir, certificates, port));
    Path log = dir.resolve("registry.log");
    ProcessBuilder builder = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // REGISTRY_* variables override the config file; a developer's shell must not leak into tests.
    builder.environment().keySet().removeIf(name -> name.startsWith("REGISTRY_"));
    Process process = builder.start();
    RegistryServer server = new RegistryServer(mode, dir, port, process, certificates);
    try {
      server.awaitReady();
      return server;
    } catch (IOException | RuntimeException e) {
      server.stopProcess();
      String tail = tail(log);
      if (tail.contains("address already in use")) {
        throw new PortTakenException("port " + port + " was taken: " + tail);
      }
      throw new IOException("docker-registry (" + mode + ") did not start: " + e.getMessage()
          + "\n--- tail of " + log + " ---\n" + tail, e);
    }
  }

  private void awaitReady() throws IOException {
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(2))
        .sslContext(certificates.map(Certificates::clientContext).orElseGet(RegistryServer::defaultContext))
        .build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/v2/"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String lastFailure = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("exited with status " + process.exitValue());
      }
      try {
        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200 || status == 401) {
          return;
        }
        lastFailure = "GET /v2/ answered " + status;
        Thread.sleep(50);
      } catch (IOException e) {
        // Connection refused until the registry has bound its port: expected while starting.
        lastFailure = e.toString();
        sleep();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the registry", e);
      }
    }
    throw new IOException("no 200/401 from GET /v2/ within " + START_TIMEOUT + ": " + lastFailure);
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the registry", e);
    }
  }

  private static String config(Mode mode, Path dir, Optional<Certificates> certificates, int port) {
    StringBuilder yaml = new StringBuilder()
        .append("version: 0.1\n")
        .append("log:\n  level: info\n")
        .append("storage:\n")
        .append("  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append('\n')
        .append("  delete:\n    enabled: true\n")
        .append("http:\n")
        .append("  addr: 127.0.0.1:").append(port).append('\n')
        // A fixed secret: one instance only, and it silences the "no secret" warning.
        .append("  secret: strata-test-secret\n");
    certificates.ifPresent(c -> yaml
        .append("  tls:\n")
        .append("    certificate: ").append(c.serverCertificate()).append('\n')
        .append("    key: ").append(c.serverKey()).append('\n'));
    if (mode == Mode.TLS_AUTH) {
      yaml.append("auth:\n  htpasswd:\n    realm: strata-test\n    path: ")
          .append(dir.resolve("htpasswd")).append('\n');
    }
    return yaml.toString();
  }

  public Mode mode() {
    return mode;
  }

  /** {@code 127.0.0.1:PORT}, the name Docker uses for the registry in image references and certs.d. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** {@code https://127.0.0.1:PORT}, or {@code http://} in {@link Mode#PLAIN}. */
  public String url() {
    return (mode == Mode.PLAIN ? "http://" : "https://") + host();
  }

  /** PEM CA file that signed the server certificate; TLS modes only. */
  public Path caCertificate() {
    return tls().caCertificate();
  }

  /** Lays out {@code dir/<host:port>/ca.crt} like Docker's certs.d and returns {@code dir}. */
  public Path certsDir(Path dir) throws IOException {
    return tls().certsDir(dir, host());
  }

  /** A JDK client context trusting this registry's CA only; TLS modes only. */
  public SSLContext sslContext() {
    return tls().clientContext();
  }

  public String username() {
    requireAuth();
    return USERNAME;
  }

  public String password() {
    requireAuth();
    return PASSWORD;
  }

  /** Where the registry's stdout and stderr go. */
  public Path logFile() {
    return dir.resolve("registry.log");
  }

  /** The registry process, so a test can check that none outlives {@link #close()}. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  /** Raw HTTP access with this registry's CA and credentials, for setting up and inspecting. */
  public RawPush raw() {
    checkOpen();
    return push;
  }

  /**
   * Pushes one Docker schema2 image (gzip layers, config blob, manifest of media type
   * {@code application/vnd.docker.distribution.manifest.v2+json}) and returns its manifest digest.
   */
  public String pushRaw(String repository, String tag, List<byte[]> uncompressedLayerTars,
      byte[] configJson) throws IOException {
    return raw().push(repository, tag, TestImage.of(ManifestFormat.DOCKER, uncompressedLayerTars, configJson));
  }

  /**
   * Pushes a linux/amd64 + linux/arm64 image and, under {@code tag}, an OCI image index
   * ({@link ManifestFormat#OCI}) or a Docker manifest list ({@link ManifestFormat#DOCKER})
   * pointing at both; returns what was pushed ({@link TestIndex#digest()} is the index digest).
   */
  public TestIndex pushIndex(String repository, String tag, ManifestFormat format) throws IOException {
    TestIndex index = TestIndex.twoPlatforms(format);
    raw().push(repository, tag, index);
    return index;
  }

  /** Stops the registry (SIGTERM, then SIGKILL after 5 s) and deletes its temp dir. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    stopProcess();
    TempDirs.deleteRecursively(dir);
  }

  private void stopProcess() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private Certificates tls() {
    checkOpen();
    return certificates.orElseThrow(() -> new IllegalStateException(
        "registry runs in " + mode + " mode: no certificate; start it in TLS or TLS_AUTH"));
  }

  private void requireAuth() {
    if (mode != Mode.TLS_AUTH) {
      throw new IllegalStateException("registry runs in " + mode + " mode: no credentials");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("registry at " + host() + " is closed");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean onPath(String command) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
    for (String entry : path.split(":")) {
      if (!entry.isEmpty() && Files.isExecutable(Paths.get(entry, command))) {
        return true;
      }
    }
    return false;
  }

  private static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** The registry lost the race for its port; {@link #start} tries another. */
  private static final class PortTakenException extends IOException {
    PortTakenException(String message) {
      super(message);
    }
  }
}
