package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blobs served from another host (a CDN), as Docker Hub and cloud registries do. */
class PullRedirectTest {

  @TempDir Path tmp;
  private PullStores stores;
  private FakeRegistry origin;
  private FakeRegistry cdn;
  private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  private final List<byte[]> tars = PullFixtures.layerTars(2, 500);
  private final TestImage image = PullFixtures.image(tars);

  @BeforeEach
  void setUp() throws IOException {
    stores = PullStores.open(tmp);
    cdn = FakeRegistry.plain();
  }

  @AfterEach
  void tearDown() throws IOException {
    try (PullStores s = stores; FakeRegistry c = cdn) {
      if (origin != null) {
        origin.close();
      }
    }
  }

  private PullResult pull() throws IOException {
    CredentialStore credentials = CredentialStore.at(tmp.resolve("auth.json"));
    credentials.store(origin.host(), new Credentials("u", "p"));
    RegistryConfig config = RegistryConfig.builder().insecureRegistries(Set.of(origin.host()))
        .credentials(credentials).retry(PullFixtures.recordingRetry(slept)).build();
    try (RegistryClient client = RegistryClient.open(config)) {
      return client.pull(stores.images(), ImageName.parse(origin.host() + "/library/app:v1"));
    }
  }

  private void startOrigin(FakeRegistryBuilder builder) throws IOException {
    origin = builder.start();
    origin.put("library/app", "v1", image);
    origin.faults().redirectBlobs(cdn);
  }

  @Test
  void pull_basicAuthBlobsRedirected_completesAndNeverSendsAuthorizationToTheTarget() throws IOException {
    startOrigin(FakeRegistry.builder().basicAuth("u", "p"));
    stores.assertHolds(pull(), image, tars);
    assertEquals(3, cdn.requests().matching("^GET /v2/library/app/blobs/").size(), "config and two layers");
    assertTrue(cdn.requests().all().stream().allMatch(r -> r.authorization().isEmpty()), cdn.requests().all().toString());
    assertTrue(origin.requests().matching("^GET /v2/library/app/blobs/").stream()
        .allMatch(r -> r.authorization().isPresent()), "the origin still gets its credentials");
  }

  @Test
  void pull_bearerAuthBlobsRedirected_neverSendsTheTokenToTheTarget() throws IOException {
    startOrigin(FakeRegistry.builder().bearerAuth("u", "p"));
    assertEquals(2, pull().downloaded());
    assertTrue(cdn.requests().all().stream().allMatch(r -> r.authorization().isEmpty()), cdn.requests().all().toString());
  }

  @Test
  void pull_redirectTargetDown_throwsTheConnectionFailureAfterMaxAttempts() throws IOException {
    startOrigin(FakeRegistry.builder());
    cdn.close();
    PullStores.Snapshot before = stores.snapshot();
    assertThrows(ConnectException.class, this::pull);
    // The config blob is the first one asked for: four tries of it in all, not four per resume.
    assertEquals(4, origin.requests().count("GET", "/v2/library/app/blobs/" + image.configDigest()));
    assertEquals(3, slept.size());
    stores.assertUnchangedSince(before);
  }
}
