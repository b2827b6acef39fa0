package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.testing.LayerTarBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeRegistryTest {

  private static final TestImage IMAGE = TestImage.of(ManifestFormat.DOCKER, "amd64",
      List.of(new LayerTarBuilder().file("a.txt", noise(), 0644).build(),
          new LayerTarBuilder().file("b.txt", "b", 0644).build()));
  private static final String LAYER = IMAGE.layerDigests().get(0);

  @TempDir
  Path tmp;

  /** Hex noise, so the gzip layer stays thousands of bytes long and ranges have room. */
  private static String noise() {
    byte[] bytes = new byte[10_000];
    new java.util.Random(42).nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  private static HttpResponse<byte[]> get(RawPush raw, String path, String... headers) throws IOException {
    HttpRequest.Builder request = raw.request(path);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return raw.send(request.build());
  }

  private static byte[] blob(String digest) {
    return IMAGE.blobs().get(digest);
  }

  @Test
  void put_plain_manifestAndBlobsServedWithDigests() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      fake.put("library/a", "latest", IMAGE);

      HttpResponse<byte[]> manifest = get(fake.raw(), "/v2/library/a/manifests/latest");
      assertEquals(200, manifest.statusCode());
      assertEquals(Optional.of(IMAGE.digest()), manifest.headers().firstValue("Docker-Content-Digest"));
      assertEquals(Optional.of(IMAGE.mediaType()), manifest.headers().firstValue("Content-Type"));
      assertEquals(IMAGE.digest(), Sha256.of(manifest.body()));
      for (String digest : IMAGE.blobs().keySet()) {
        assertEquals(digest, Sha256.of(get(fake.raw(), "/v2/library/a/blobs/" + digest).body()));
      }
      assertEquals(1, fake.requests().count("GET", "/v2/library/a/manifests/latest"));
    }
  }

  @Test
  void head_blobAndManifest_contentLengthWithoutBody() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      fake.put("r", "t", IMAGE);

      HttpResponse<byte[]> head = fake.raw().send(fake.raw().request("/v2/r/blobs/" + LAYER)
          .method("HEAD", BodyPublishers.noBody()).build());
      assertEquals(200, head.statusCode());
      assertEquals(Optional.of(Long.toString(blob(LAYER).length)), head.headers().firstValue("Content-Length"));
      assertEquals(0, head.body().length);
      HttpResponse<byte[]> missing = fake.raw().send(fake.raw().request("/v2/r/blobs/sha256:" + "0".repeat(64))
          .method("HEAD", BodyPublishers.noBody()).build());
      assertEquals(404, missing.statusCode());
    }
  }

  @Test
  void rawPush_tls_storesImageAndIndex() throws IOException {
    assumeTrue(RegistryServer.available(), "needs openssl");
    try (FakeRegistry fake = FakeRegistry.builder().tls().start()) {
      assertTrue(fake.url().startsWith("https://127.0.0.1:"));
      fake.raw().push("x/y", "1", IMAGE);
      TestIndex index = TestIndex.twoPlatforms(ManifestFormat.OCI);
      fake.raw().push("x/y", "multi", index);

      assertArrayEquals(IMAGE.manifest(), fake.manifest("x/y", "1").orElseThrow());
      assertArrayEquals(blob(LAYER), fake.blob("x/y", LAYER).orElseThrow());
      assertEquals(Optional.of(ManifestFormat.OCI.indexMediaType()), fake.manifestMediaType("x/y", "multi"));
      assertEquals(index.digest(), Sha256.of(get(fake.raw(), "/v2/x/y/manifests/multi").body()));
      Path certs = fake.certsDir(tmp);
      assertTrue(Files.exists(certs.resolve(fake.host()).resolve("ca.crt")));
    }
  }

  @Test
  void upload_chunkedPatches_commitWhenDigestMatches() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      RawPush raw = fake.raw();
      byte[] data = blob(LAYER);
      HttpResponse<byte[]> start = raw.send(raw.request("/v2/r/blobs/uploads/").POST(BodyPublishers.noBody()).build());
      assertEquals(202, start.statusCode());
      assertEquals(Optional.of("0-0"), start.headers().firstValue("Range"));
      String location = start.headers().firstValue("Location").orElseThrow();
      assertTrue(location.contains("?_state="), location);
      int half = data.length / 2;

      HttpResponse<byte[]> first = raw.send(HttpRequest.newBuilder(URI.create(location))
          .header("Content-Range", "0-" + (half - 1))
          .method("PATCH", BodyPublishers.ofByteArray(Arrays.copyOfRange(data, 0, half))).build());
      assertEquals(202, first.statusCode());
      assertEquals(Optional.of("0-" + (half - 1)), first.headers().firstValue("Range"));
      HttpResponse<byte[]> wrongStart = raw.send(HttpRequest.newBuilder(URI.create(location))
          .header("Content-Range", "0-9").method("PATCH", BodyPublishers.ofByteArray(new byte[10])).build());
      assertEquals(416, wrongStart.statusCode());
      HttpResponse<byte[]> second = raw.send(HttpRequest.newBuilder(URI.create(location))
          .header("Content-Range", half + "-" + (data.length - 1))
          .method("PATCH", BodyPublishers.ofByteArray(Arrays.copyOfRange(data, half, data.length))).build());
      assertEquals(202, second.statusCode());
      HttpResponse<byte[]> done = raw.send(HttpRequest.newBuilder(URI.create(location + "&digest=" + LAYER))
          .PUT(BodyPublishers.noBody()).build());

      assertEquals(201, done.statusCode());
      assertEquals(Optional.of(LAYER), done.headers().firstValue("Docker-Content-Digest"));
      assertArrayEquals(data, fake.blob("r", LAYER).orElseThrow());
    }
  }

  @Test
  void upload_wrongDigest_answers400DigestInvalid() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      RawPush raw = fake.raw();

      IOException e = assertThrows(IOException.class, () -> raw.uploadBlob("r", LAYER, new byte[] {1, 2, 3}));

      assertTrue(e.getMessage().contains("400") && e.getMessage().contains("DIGEST_INVALID"), e.getMessage());
      assertEquals(Optional.empty(), fake.blob("r", LAYER));
    }
  }

  @Test
  void upload_mountFromRepositoryHoldingBlob_201_otherwise202() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      fake.putBlob("source", blob(LAYER));
      RawPush raw = fake.raw();

      HttpResponse<byte[]> mounted = raw.send(raw.request("/v2/target/blobs/uploads/?mount=" + LAYER + "&from=source")
          .POST(BodyPublishers.noBody()).build());
      HttpResponse<byte[]> notThere = raw.send(raw.request("/v2/target2/blobs/uploads/?mount=" + LAYER + "&from=elsewhere")
          .POST(BodyPublishers.noBody()).build());

      assertEquals(201, mounted.statusCode());
      assertEquals(Optional.of(LAYER), mounted.headers().firstValue("Docker-Content-Digest"));
      assertTrue(fake.blob("target", LAYER).isPresent());
      assertEquals(202, notThere.statusCode());
      assertTrue(fake.blob("target2", LAYER).isEmpty());
    }
  }

  @Test
  void putManifest_missingBlob_answers400BlobUnknown() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      IOException e = assertThrows(IOException.class,
          () -> fake.raw().putManifest("r", "t", IMAGE.mediaType(), IMAGE.manifest()));

      assertTrue(e.getMessage().contains("MANIFEST_BLOB_UNKNOWN"), e.getMessage());
    }
  }

  @Test
  void getBlob_withRange_answers206WithContentRange() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      fake.put("r", "t", IMAGE);
      byte[] data = blob(LAYER);

      HttpResponse<byte[]> tail = get(fake.raw(), "/v2/r/blobs/" + LAYER, "Range", "bytes=100-");
      HttpResponse<byte[]> beyond = get(fake.raw(), "/v2/r/blobs/" + LAYER, "Range", "bytes=" + data.length + "-");

      assertEquals(206, tail.statusCode());
      assertEquals(Optional.of("bytes 100-" + (data.length - 1) + "/" + data.length),
          tail.headers().firstValue("Content-Range"));
      assertArrayEquals(Arrays.copyOfRange(data, 100, data.length), tail.body());
      assertEquals(416, beyond.statusCode());
    }
  }

  @Test
  void corruptBlobAndManifest_bytesNoLongerMatchTheirDigests() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      fake.put("r", "t", IMAGE);
      fake.faults().corruptBlob(LAYER).corruptManifest("t");

      HttpResponse<byte[]> layer = get(fake.raw(), "/v2/r/blobs/" + LAYER);
      HttpResponse<byte[]> manifest = get(fake.raw(), "/v2/r/manifests/t");

      assertEquals(blob(LAYER).length, layer.body().length);
      assertNotEquals(LAYER, Sha256.of(layer.body()));
      assertEquals(Optional.of(IMAGE.digest()), manifest.headers().firstValue("Docker-Content-Digest"));
      assertNotEquals(IMAGE.digest(), Sha256.of(manifest.body()));
      TestImage.JSON.readTree(manifest.body());
    }
  }

  @Test
  void truncateBlob_everyGetEndsEarly() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      fake.put("r", "t", IMAGE);
      fake.faults().truncateBlob(LAYER);

      assertThrows(IOException.class, () -> get(fake.raw(), "/v2/r/blobs/" + LAYER));
      assertThrows(IOException.class, () -> get(fake.raw(), "/v2/r/blobs/" + LAYER));
    }
  }

  @Test
  void dropBlobConnection_firstTwoGetsCut_resumeWithRangeCompletes() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      fake.put("r", "t", IMAGE);
      fake.faults().dropBlobConnection(LAYER, 100, 2);
      byte[] data = blob(LAYER);

      assertThrows(IOException.class, () -> get(fake.raw(), "/v2/r/blobs/" + LAYER));
      assertThrows(IOException.class, () -> get(fake.raw(), "/v2/r/blobs/" + LAYER, "Range", "bytes=100-"));
      HttpResponse<byte[]> resumed = get(fake.raw(), "/v2/r/blobs/" + LAYER, "Range", "bytes=100-");

      assertEquals(206, resumed.statusCode());
      assertArrayEquals(Arrays.copyOfRange(data, 100, data.length), resumed.body());
      assertEquals(3, fake.requests().count("GET", "/v2/r/blobs/" + LAYER));
    }
  }

  @Test
  void throttleAndFailRequests_firstKAnswersInjected_thenNormal() throws IOException {
    try (FakeRegistry fake = FakeRegistry.plain()) {
      fake.put("r", "t", IMAGE);
      fake.faults().throttle("GET", "/manifests/", 1, 7).failRequests("*", "/blobs/", 503, 2);

      HttpResponse<byte[]> throttled = get(fake.raw(), "/v2/r/manifests/t");
      assertEquals(429, throttled.statusCode());
      assertEquals(Optional.of("7"), throttled.headers().firstValue("Retry-After"));
      assertEquals(200, get(fake.raw(), "/v2/r/manifests/t").statusCode());
      assertEquals(503, get(fake.raw(), "/v2/r/blobs/" + LAYER).statusCode());
      assertEquals(503, get(fake.raw(), "/v2/r/blobs/" + LAYER).statusCode());
      assertEquals(200, get(fake.raw(), "/v2/r/blobs/" + LAYER).statusCode());
    }
  }

  @Test
  void redirectBlobs_307ToOtherPort_targetServesBlobAndSawNoAuthorization() throws IOException {
    try (FakeRegistry fake = FakeRegistry.builder().basicAuth("u", "p").start();
        FakeRegistry cdn = FakeRegistry.plain()) {
      fake.put("r", "t", IMAGE);
      fake.faults().redirectBlobs(cdn);

      HttpResponse<byte[]> redirect = get(fake.raw(), "/v2/r/blobs/" + LAYER);
      assertEquals(307, redirect.statusCode());
      String location = redirect.headers().firstValue("Location").orElseThrow();
      assertTrue(location.startsWith(cdn.url()), location);
      HttpResponse<byte[]> fromCdn = cdn.raw().send(HttpRequest.newBuilder(URI.create(location)).build());

      assertEquals(LAYER, Sha256.of(fromCdn.body()));
      assertEquals(1, cdn.requests().all().size());
      assertTrue(cdn.requests().all().get(0).authorization().isEmpty());
      assertTrue(fake.requests().all().get(0).authorization().isPresent());
    }
  }

  @Test
  void basicAuth_withoutCredentials_401BasicChallenge() throws IOException {
    try (FakeRegistry fake = FakeRegistry.builder().basicAuth("u", "p").start()) {
      fake.put("r", "t", IMAGE);

      HttpResponse<byte[]> anonymous = fake.raw().send(fake.raw().anonymous("/v2/r/manifests/t").build());

      assertEquals(401, anonymous.statusCode());
      assertEquals(Optional.of("Basic realm=\"fake\""), anonymous.headers().firstValue("WWW-Authenticate"));
      assertEquals(200, get(fake.raw(), "/v2/r/manifests/t").statusCode());
    }
  }

  @Test
  void bearerAuth_challengeTokenThenBearer_pullAllowedPushNeedsPushScope() throws IOException {
    try (FakeRegistry fake = FakeRegistry.builder().bearerAuth("u", "p").start()) {
      fake.put("lib/r", "t", IMAGE);
      RawPush raw = fake.raw();

      HttpResponse<byte[]> challenge = raw.send(raw.anonymous("/v2/lib/r/manifests/t").build());
      assertEquals(401, challenge.statusCode());
      assertEquals(Optional.of("Bearer realm=\"" + fake.url() + "/token\",service=\"fake\",scope=\"repository:lib/r:pull\""),
          challenge.headers().firstValue("WWW-Authenticate"));
      assertEquals(401, raw.send(raw.anonymous("/token?service=fake&scope=repository:lib/r:pull").build()).statusCode());
      HttpResponse<byte[]> tokenResponse = get(raw, "/token?service=fake&scope=repository:lib/r:pull");
      assertEquals(200, tokenResponse.statusCode());
      JsonNode token = TestImage.JSON.readTree(tokenResponse.body());
      assertEquals(60, token.get("expires_in").asInt());
      String bearer = "Bearer " + token.get("token").asText();

      HttpResponse<byte[]> pulled = raw.send(raw.anonymous("/v2/lib/r/manifests/t").header("Authorization", bearer).build());
      HttpResponse<byte[]> push = raw.send(raw.anonymous("/v2/lib/r/blobs/uploads/").header("Authorization", bearer)
          .POST(BodyPublishers.noBody()).build());

      assertEquals(200, pulled.statusCode());
      assertEquals(401, push.statusCode());
      assertTrue(push.headers().firstValue("WWW-Authenticate").orElseThrow().contains("repository:lib/r:pull,push"));
      fake.revokeTokens();
      assertEquals(401, raw.send(raw.anonymous("/v2/lib/r/manifests/t").header("Authorization", bearer).build()).statusCode());
    }
  }

  @Test
  void bearerAuth_anonymousPull_tokenWithoutCredentialsGrantsPullOnly() throws IOException {
    try (FakeRegistry fake = FakeRegistry.builder().bearerAuth("u", "p").anonymousPull().start()) {
      RawPush raw = fake.raw();
      HttpResponse<byte[]> response = raw.send(raw.anonymous("/token?service=fake&scope=repository:r:pull,push").build());
      String bearer = "Bearer " + TestImage.JSON.readTree(response.body()).get("token").asText();

      assertEquals(200, response.statusCode());
      assertEquals(404, raw.send(raw.anonymous("/v2/r/manifests/t").header("Authorization", bearer).build()).statusCode());
      assertEquals(401, raw.send(raw.anonymous("/v2/r/blobs/uploads/").header("Authorization", bearer)
          .POST(BodyPublishers.noBody()).build()).statusCode());
    }
  }

  @Test
  void close_twice_portNoLongerAnswers() throws IOException {
    FakeRegistry fake = FakeRegistry.plain();
    String url = fake.url();

    fake.close();
    fake.close();

    assertThrows(IOException.class, () -> RawPush.to(url).send(RawPush.to(url).request("/v2/").build()));
  }
}
