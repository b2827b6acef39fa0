package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.FailedPreconditionException;
import java.io.IOException;
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

/** Pull through a {@link FakeRegistry}'s basic and bearer auth, and the refusals a pull can meet. */
class PullAuthTest {

  @TempDir Path tmp;
  private PullStores stores;
  private FakeRegistry fake;
  private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  private final TestImage image = PullFixtures.image(PullFixtures.layerTars(3, 500));

  @BeforeEach
  void openStores() throws IOException {
    stores = PullStores.open(tmp);
  }

  @AfterEach
  void tearDown() throws IOException {
    try (PullStores s = stores) {
      if (fake != null) {
        fake.close();
      }
    }
  }

  private void start(FakeRegistryBuilder builder) throws IOException {
    fake = builder.start();
    fake.put("library/app", "v1", image);
    fake.put("library/other", "v1", image);
  }

  private RegistryClient client(String user, String password) throws IOException {
    CredentialStore credentials = CredentialStore.at(tmp.resolve("auth.json"));
    credentials.store(fake.host(), new Credentials(user, password));
    return RegistryClient.open(RegistryConfig.builder().insecureRegistries(Set.of(fake.host()))
        .credentials(credentials).retry(PullFixtures.recordingRetry(slept)).build());
  }

  private ImageName name(String repository) throws IOException {
    return ImageName.parse(fake.host() + "/" + repository + ":v1");
  }

  @Test
  void pull_bearer_fetchesOneTokenPerScopeAndReusesItForEveryBlob() throws IOException {
    start(FakeRegistry.builder().bearerAuth("u", "p"));
    try (RegistryClient client = client("u", "p")) {
      assertEquals(3, client.pull(stores.images(), name("library/app")).downloaded());
      assertEquals(1, fake.requests().count("GET", "/token"));
      client.pull(stores.images(), name("library/other"));
      assertEquals(2, fake.requests().count("GET", "/token"), "another repository is another scope");
    }
    List<RecordedRequest> blobGets = fake.requests().matching("^GET /v2/library/app/blobs/");
    assertEquals(4, blobGets.size(), "config and three layers, each asked once");
    assertTrue(blobGets.stream().allMatch(r -> r.authorization().orElse("").startsWith("Bearer ")));
    assertEquals(1, fake.requests().all().stream().filter(r -> r.path().startsWith("/v2/library/app/"))
        .filter(r -> r.authorization().isEmpty()).count(), "one 401 challenge for the repository, not one per blob");
  }

  @Test
  void pull_bearerWithWrongPassword_throwsUnauthorizedWithLoginHint() throws IOException {
    start(FakeRegistry.builder().bearerAuth("u", "p"));
    PullStores.Snapshot before = stores.snapshot();
    try (RegistryClient client = client("u", "wrong-password")) {
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
          () -> client.pull(stores.images(), name("library/app")));
      assertTrue(e.getMessage().contains("unauthorized"), e.getMessage());
      assertTrue(e.getMessage().contains("strata login " + fake.host()), e.getMessage());
      assertFalse(e.getMessage().contains("wrong-password"), e.getMessage());
    }
    stores.assertUnchangedSince(before);
  }

  @Test
  void pull_basic_sendsCredentialsUpFrontAfterTheFirstChallenge() throws IOException {
    start(FakeRegistry.builder().basicAuth("u", "p"));
    try (RegistryClient client = client("u", "p")) {
      assertEquals(3, client.pull(stores.images(), name("library/app")).downloaded());
    }
    List<RecordedRequest> anonymous = fake.requests().all().stream().filter(r -> r.authorization().isEmpty()).toList();
    assertEquals(1, anonymous.size(), anonymous.toString());
    assertTrue(fake.requests().matching("^GET /v2/library/app/blobs/").stream()
        .allMatch(r -> r.authorization().orElse("").startsWith("Basic ")));
  }

  @Test
  void pull_basicRefusedAfterAnswering_throwsUnauthorizedWithLoginHint() throws IOException {
    start(FakeRegistry.builder().basicAuth("u", "p"));
    PullStores.Snapshot before = stores.snapshot();
    try (RegistryClient client = client("u", "wrong-password")) {
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
          () -> client.pull(stores.images(), name("library/app")));
      assertTrue(e.getMessage().startsWith("unauthorized"), e.getMessage());
      assertTrue(e.getMessage().contains("strata login " + fake.host()), e.getMessage());
    }
    assertEquals(List.of(), slept, "a refusal is not retried");
    stores.assertUnchangedSince(before);
  }

  @Test
  void pull_denied403_throwsFailedPreconditionSayingDenied() throws IOException {
    start(FakeRegistry.builder());
    fake.faults().failRequests("GET", "/blobs/" + image.layerDigests().get(2), 403, 1);
    PullStores.Snapshot before = stores.snapshot();
    try (RegistryClient client = client("u", "p")) {
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
          () -> client.pull(stores.images(), name("library/app")));
      assertTrue(e.getMessage().startsWith("denied"), e.getMessage());
      assertEquals(image.layerDigests().get(2), e.subject());
    }
    assertEquals(List.of(), slept, "a refusal is not retried");
    stores.assertUnchangedSince(before);
  }

  @Test
  void pull_revokedBearerToken_getsAFreshTokenAndCompletes() throws IOException {
    start(FakeRegistry.builder().bearerAuth("u", "p"));
    try (RegistryClient client = client("u", "p")) {
      client.pull(stores.images(), name("library/app"));
      fake.revokeTokens();
      client.pull(stores.images(), name("library/other"));
      fake.revokeTokens();
      PullResult again = client.pull(stores.images(), name("library/app"));
      assertEquals(3, again.skipped());
    }
    assertEquals(3, fake.requests().count("GET", "/token"));
  }
}
