package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.testing.LayerTarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull from the real Distribution registry ({@link RegistryServer}), over plain HTTP (configured
 * insecure) and over TLS with a private CA in certs.d. One registry per mode for the class.
 */
class RealRegistryPullTest {

  private static RegistryServer plain;
  private static RegistryServer tls;

  @TempDir Path tmp;
  private PullStores stores;
  private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startRegistries() throws IOException {
    assumeTrue(RegistryServer.available(),
        "needs /usr/bin/docker-registry, openssl and htpasswd (packages docker-registry, apache2-utils)");
    plain = RegistryServer.start(RegistryServer.Mode.PLAIN);
    tls = RegistryServer.start(RegistryServer.Mode.TLS);
  }

  @AfterAll
  static void stopRegistries() throws IOException {
    try (RegistryServer t = tls) {
      if (plain != null) {
        plain.close();
      }
    }
    for (RegistryServer r : new RegistryServer[] {plain, tls}) {
      if (r != null) {
        assertFalse(r.process().isAlive(), "docker-registry pid " + r.process().pid() + " survived close()");
      }
    }
  }

  @BeforeEach
  void openStores() throws IOException {
    stores = PullStores.open(tmp);
  }

  @AfterEach
  void closeStores() throws IOException {
    stores.close();
  }

  private RegistryClient plainClient() {
    return RegistryClient.open(RegistryConfig.builder().insecureRegistries(Set.of(plain.host()))
        .retry(PullFixtures.recordingRetry(slept)).build());
  }

  private RegistryClient tlsClient(RegistryConfig.Builder builder) {
    return RegistryClient.open(builder.retry(PullFixtures.recordingRetry(slept)).build());
  }

  @Test
  void pull_plainMarkedInsecure_dockerSchema2ImageIsThePushedOne() throws IOException {
    List<byte[]> tars = List.of(new LayerTarBuilder().file("etc/os-release", "ID=strata\n", 0644).build(),
        new LayerTarBuilder().file("bin/hello", "#!/bin/sh\necho hello\n", 0644).file("etc/motd", "hi\n", 0644)
            .build());
    byte[] config = TestImage.config("amd64", tars.stream().map(Sha256::of).toList());
    String digest = plain.pushRaw("library/hello", "v1", tars, config);
    try (RegistryClient client = plainClient()) {
      PullResult result = client.pull(stores.images(), ImageName.parse(plain.host() + "/library/hello:v1"));
      assertEquals(digest, result.manifestDigest().toString());
      assertEquals(2, result.downloaded());
      assertEquals(plain.host() + "/library/hello:v1", result.tag().orElseThrow().toString());
      stores.assertHolds(result, TestImage.of(ManifestFormat.DOCKER, tars, config), tars);
    }
    stores.assertNoStaging();
  }

  @Test
  void pull_again_skipsEveryLayerAndFetchesNoLayerBlob() throws IOException {
    List<byte[]> tars = PullFixtures.layerTars(3, 300);
    TestImage image = TestImage.of(ManifestFormat.DOCKER, "amd64", tars);
    plain.raw().push("library/again", "v1", image);
    try (RegistryClient client = plainClient()) {
      ImageName name = ImageName.parse(plain.host() + "/library/again:v1");
      assertEquals(3, client.pull(stores.images(), name).downloaded());
      PullResult again = client.pull(stores.images(), name);
      assertEquals(0, again.downloaded());
      assertEquals(3, again.skipped());
      stores.assertHolds(again, image, tars);
    }
    assertEquals(1, stores.images().images().size());
  }

  @Test
  void pull_byDigest_pullsThatManifestUntagged() throws IOException {
    List<byte[]> tars = PullFixtures.layerTars(1, 300);
    TestImage image = TestImage.of(ManifestFormat.DOCKER, "amd64", tars);
    String digest = plain.raw().push("library/bydigest", "v1", image);
    try (RegistryClient client = plainClient()) {
      PullResult result = client.pull(stores.images(), ImageName.parse(plain.host() + "/library/bydigest@" + digest));
      assertEquals(digest, result.manifestDigest().toString());
      assertEquals(Optional.empty(), result.tag());
      assertEquals(List.of(), stores.images().get(result.imageId().toString()).tags());
      stores.assertHolds(result, image, tars);
    }
  }

  @Test
  void pull_ociIndex_picksTheConfiguredPlatform() throws IOException {
    TestIndex index = plain.pushIndex("library/multi", "v1", ManifestFormat.OCI);
    assertPicksEachPlatform(index, "library/multi");
  }

  @Test
  void pull_dockerManifestList_picksTheConfiguredPlatform() throws IOException {
    TestIndex index = plain.pushIndex("library/multi-docker", "v1", ManifestFormat.DOCKER);
    assertPicksEachPlatform(index, "library/multi-docker");
  }

  private void assertPicksEachPlatform(TestIndex index, String repository) throws IOException {
    for (String platform : List.of("linux/amd64", "linux/arm64")) {
      RegistryConfig config = RegistryConfig.builder().insecureRegistries(Set.of(plain.host()))
          .platform(Platform.parse(platform)).retry(PullFixtures.recordingRetry(slept)).build();
      TestImage expected = index.images().get(platform);
      try (RegistryClient client = RegistryClient.open(config)) {
        PullResult result = client.pull(stores.images(), ImageName.parse(plain.host() + "/" + repository + ":v1"));
        assertEquals(expected.digest(), result.manifestDigest().toString(), platform);
        String arch = platform.substring("linux/".length());
        stores.assertHolds(result, expected, List.of(new LayerTarBuilder().file("arch", arch + "\n", 0644).build()));
      }
    }
  }

  @Test
  void pull_tlsWithCaInCertsDir_pullsOverHttps() throws IOException {
    List<byte[]> tars = PullFixtures.layerTars(2, 300);
    TestImage image = TestImage.of(ManifestFormat.DOCKER, "amd64", tars);
    tls.raw().push("library/secure", "v1", image);
    Path certsDir = tls.certsDir(tmp.resolve("certs.d"));
    try (RegistryClient client = tlsClient(RegistryConfig.builder().certsDir(certsDir))) {
      stores.assertHolds(client.pull(stores.images(), ImageName.parse(tls.host() + "/library/secure:v1")), image, tars);
    }
  }

  @Test
  void pull_tlsWithoutTheCa_throwsFailedPreconditionNamingTheRegistryWithoutRetrying() throws IOException {
    tls.raw().push("library/untrusted", "v1", TestImage.of(ManifestFormat.DOCKER, "amd64", PullFixtures.layerTars(1, 10)));
    // A certs.d without this registry's directory: the JDK's CAs only, which do not know the test CA.
    Path certsDir = Files.createDirectories(tmp.resolve("certs.d"));
    PullStores.Snapshot before = stores.snapshot();
    try (RegistryClient client = tlsClient(RegistryConfig.builder().certsDir(certsDir))) {
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
          () -> client.pull(stores.images(), ImageName.parse(tls.host() + "/library/untrusted:v1")));
      assertEquals(tls.host(), e.subject());
      assertTrue(e.getMessage().contains("TLS handshake with registry " + tls.host()), e.getMessage());
      assertTrue(e.getMessage().contains(tls.host() + "/ca.crt"), e.getMessage());
    }
    assertEquals(List.of(), slept, "an untrusted certificate does not get better by retrying");
    stores.assertUnchangedSince(before);
  }

  @Test
  void pull_plainRegistryNotMarkedInsecure_refusesToFallBackToHttp() throws IOException {
    plain.raw().push("library/nofallback", "v1", TestImage.of(ManifestFormat.DOCKER, "amd64", PullFixtures.layerTars(1, 10)));
    try (RegistryClient client = tlsClient(RegistryConfig.builder())) {
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
          () -> client.pull(stores.images(), ImageName.parse(plain.host() + "/library/nofallback:v1")));
      assertTrue(e.getMessage().contains("insecure registry"), e.getMessage());
    }
    assertEquals(List.of(), slept);
  }

  @Test
  void pull_tlsRegistryMarkedInsecure_speaksPlainHttpAndIsRejected() throws IOException {
    try (RegistryClient client = tlsClient(RegistryConfig.builder().insecureRegistries(Set.of(tls.host())))) {
      // Go's TLS server answers a plain HTTP request with "400 Client sent an HTTP request to an HTTPS server".
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
          () -> client.pull(stores.images(), ImageName.parse(tls.host() + "/library/secure:v1")));
      assertTrue(e.getMessage().contains("HTTP 400"), e.getMessage());
    }
  }
}
