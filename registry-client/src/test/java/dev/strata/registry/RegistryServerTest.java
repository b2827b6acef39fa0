package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.testing.LayerTarBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryServerTest {

  private static final String MANIFEST_ACCEPT = String.join(", ",
      ManifestFormat.DOCKER.manifestMediaType(), ManifestFormat.DOCKER.indexMediaType(),
      ManifestFormat.OCI.manifestMediaType(), ManifestFormat.OCI.indexMediaType());

  private final List<ProcessHandle> started = new ArrayList<>();

  @TempDir
  Path tmp;

  @BeforeEach
  void requireRegistry() {
    assumeTrue(RegistryServer.available(),
        "needs /usr/bin/docker-registry, openssl and htpasswd (packages docker-registry, apache2-utils)");
  }

  @AfterEach
  void noRegistrySurvives() {
    for (ProcessHandle process : started) {
      assertFalse(process.isAlive(), "docker-registry pid " + process.pid() + " survived close()");
    }
  }

  private RegistryServer start(RegistryServer.Mode mode) throws IOException {
    RegistryServer server = RegistryServer.start(mode);
    started.add(server.process());
    return server;
  }

  @Test
  void pushRaw_plain_manifestAndBlobsReadBackWithTheirDigests() throws IOException {
    try (RegistryServer registry = start(RegistryServer.Mode.PLAIN)) {
      assertTrue(registry.url().startsWith("http://127.0.0.1:"), registry.url());
      byte[] layer = new LayerTarBuilder().file("hello.txt", "hello\n", 0644).build();
      byte[] config = TestImage.config("amd64", List.of(Sha256.of(layer)));

      String digest = registry.pushRaw("library/hello", "latest", List.of(layer), config);

      assertImageReadsBack(registry.raw(), "library/hello", "latest", digest,
          TestImage.of(ManifestFormat.DOCKER, List.of(layer), config));
    }
  }

  @Test
  void pushRaw_tls_readsBackThroughTheGeneratedCa() throws IOException {
    try (RegistryServer registry = start(RegistryServer.Mode.TLS)) {
      assertTrue(registry.url().startsWith("https://127.0.0.1:"), registry.url());
      List<byte[]> tars = List.of(new LayerTarBuilder().file("a", "1", 0644).build(),
          new LayerTarBuilder().file("b", "2", 0644).build());
      TestImage image = TestImage.of(ManifestFormat.DOCKER, "amd64", tars);

      String digest = registry.pushRaw("tls/two-layers", "v1", tars, image.config());

      assertImageReadsBack(registry.raw(), "tls/two-layers", "v1", digest, image);
    }
  }

  @Test
  void tls_plainHttpRequest_isRefused() throws IOException, InterruptedException {
    try (RegistryServer registry = start(RegistryServer.Mode.TLS)) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/")).build(),
          HttpResponse.BodyHandlers.ofString());

      // Go's TLS listener answers a plaintext request with this 400 instead of dropping it.
      assertEquals(400, response.statusCode());
      assertTrue(response.body().contains("HTTP request to an HTTPS server"), response.body());
    }
  }

  /**
   * Through the registry client, which reports a refused certificate as a TLS failure with its
   * advice whatever the JDK's HTTP client raised: a bare HTTP client, on a loaded machine, sometimes
   * lost the handshake's error to its own connection close and threw a plain IOException (see
   * TlsFailureTest, which plays that race out every time).
   */
  @Test
  void tls_clientWithoutTheCa_failsTheHandshake() throws IOException {
    try (RegistryServer registry = start(RegistryServer.Mode.TLS)) {
      Path certsDir = Files.createDirectories(tmp.resolve("certs.d")); // without the registry's CA
      RegistryConfig config = RegistryConfig.builder().certsDir(certsDir)
          .retry(new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), d -> { }, () -> 0.5)).build();
      RegistryTransport transport = new RegistryTransport(registry.host(), config, Optional.empty(), Clock.systemUTC());

      IOException e = assertThrows(IOException.class,
          () -> transport.send(Request.get(transport.uri("/v2/"), Map.of(), List.of())));

      TlsRefusals.assertRefusal(registry.host(), registry.url(), "if it uses a private CA, put the CA certificate in "
          + certsDir.resolve(registry.host()).resolve("ca.crt"), e);
    }
  }

  @Test
  void tlsAuth_withoutCredentials_answers401WithBasicChallenge() throws IOException {
    try (RegistryServer registry = start(RegistryServer.Mode.TLS_AUTH)) {
      HttpResponse<byte[]> response = registry.raw().send(registry.raw().anonymous("/v2/").build());

      assertEquals(401, response.statusCode());
      assertEquals(Optional.of("Basic realm=\"strata-test\""),
          response.headers().firstValue("WWW-Authenticate"));
    }
  }

  @Test
  void tlsAuth_withCredentials_pushesAndPulls() throws IOException {
    try (RegistryServer registry = start(RegistryServer.Mode.TLS_AUTH)) {
      byte[] layer = new LayerTarBuilder().file("etc/os-release", "ID=strata\n", 0644).build();
      TestImage image = TestImage.of(ManifestFormat.DOCKER, "arm64", List.of(layer));

      String digest = registry.pushRaw("auth/img", "1.0", List.of(layer), image.config());

      assertImageReadsBack(registry.raw(), "auth/img", "1.0", digest, image);
      HttpResponse<byte[]> anonymous = registry.raw().send(
          registry.raw().anonymous("/v2/auth/img/manifests/1.0").build());
      assertEquals(401, anonymous.statusCode());
    }
  }

  @Test
  void pushIndex_oci_indexPointsAtBothPlatformManifests() throws IOException {
    assertIndexReadsBack(ManifestFormat.OCI);
  }

  @Test
  void pushIndex_dockerManifestList_indexPointsAtBothPlatformManifests() throws IOException {
    assertIndexReadsBack(ManifestFormat.DOCKER);
  }

  private void assertIndexReadsBack(ManifestFormat format) throws IOException {
    try (RegistryServer registry = start(RegistryServer.Mode.TLS)) {
      TestIndex index = registry.pushIndex("multi/arch", "latest", format);

      HttpResponse<byte[]> response = registry.raw().send(registry.raw()
          .request("/v2/multi/arch/manifests/latest").header("Accept", MANIFEST_ACCEPT).build());
      assertEquals(200, response.statusCode());
      assertEquals(Optional.of(format.indexMediaType()), response.headers().firstValue("Content-Type"));
      assertEquals(index.digest(), Sha256.of(response.body()));
      JsonNode manifests = TestImage.JSON.readTree(response.body()).get("manifests");
      assertEquals(2, manifests.size());
      assertEquals("amd64", manifests.get(0).get("platform").get("architecture").asText());
      assertEquals("arm64", manifests.get(1).get("platform").get("architecture").asText());
      for (TestImage image : index.images().values()) {
        assertImageReadsBack(registry.raw(), "multi/arch", image.digest(), image.digest(), image);
      }
    }
  }

  @Test
  void certsDir_laysOutHostPortCaCrt() throws IOException {
    try (RegistryServer registry = start(RegistryServer.Mode.TLS)) {
      Path certs = registry.certsDir(tmp.resolve("certs.d"));

      assertArrayEquals(Files.readAllBytes(registry.caCertificate()),
          Files.readAllBytes(certs.resolve(registry.host()).resolve("ca.crt")));
    }
  }

  @Test
  void caCertificate_plain_throwsIllegalState() throws IOException {
    try (RegistryServer registry = start(RegistryServer.Mode.PLAIN)) {
      assertThrows(IllegalStateException.class, registry::caCertificate);
      assertThrows(IllegalStateException.class, registry::username);
    }
  }

  @Test
  void close_stopsTheProcessAndDeletesItsFiles() throws IOException {
    RegistryServer registry = start(RegistryServer.Mode.TLS_AUTH);
    Path ca = registry.caCertificate();
    Path log = registry.logFile();
    assertTrue(Files.exists(ca));

    registry.close();
    registry.close();

    assertFalse(registry.process().isAlive());
    assertFalse(Files.exists(log.getParent()), "temp dir left behind: " + log.getParent());
    assertThrows(IllegalStateException.class, registry::raw);
  }

  private static void assertImageReadsBack(RawPush raw, String repository, String reference,
      String digest, TestImage expected) throws IOException {
    assertEquals(expected.digest(), digest);
    HttpResponse<byte[]> manifest = raw.send(raw
        .request("/v2/" + repository + "/manifests/" + reference).header("Accept", MANIFEST_ACCEPT).build());
    assertEquals(200, manifest.statusCode(), () -> new String(manifest.body(), StandardCharsets.UTF_8));
    assertEquals(Optional.of(digest), manifest.headers().firstValue("Docker-Content-Digest"));
    assertEquals(Optional.of(expected.mediaType()), manifest.headers().firstValue("Content-Type"));
    assertEquals(digest, Sha256.of(manifest.body()));
    for (Map.Entry<String, byte[]> blob : expected.blobs().entrySet()) {
      HttpResponse<byte[]> response = raw.send(raw
          .request("/v2/" + repository + "/blobs/" + blob.getKey()).build());
      assertEquals(200, response.statusCode());
      assertEquals(blob.getKey(), Sha256.of(response.body()));
    }
  }
}
