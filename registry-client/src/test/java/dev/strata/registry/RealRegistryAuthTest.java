package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.error.FailedPreconditionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login, pull and logout against the real Distribution registry with htpasswd auth over TLS. */
class RealRegistryAuthTest {

  private static RegistryServer registry;
  private static final List<byte[]> TARS = PullFixtures.layerTars(2, 300);
  private static final TestImage IMAGE = TestImage.of(ManifestFormat.DOCKER, "amd64", TARS);

  @TempDir Path tmp;
  private PullStores stores;
  private CredentialStore credentials;
  private RegistryClient client;
  private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startRegistry() throws IOException {
    assumeTrue(RegistryServer.available(),
        "needs /usr/bin/docker-registry, openssl and htpasswd (packages docker-registry, apache2-utils)");
    registry = RegistryServer.start(RegistryServer.Mode.TLS_AUTH);
    registry.raw().push("private/app", "v1", IMAGE);
  }

  @AfterAll
  static void stopRegistry() throws IOException {
    if (registry != null) {
      registry.close();
      assertFalse(registry.process().isAlive(), "docker-registry survived close()");
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    stores = PullStores.open(tmp);
    credentials = CredentialStore.at(tmp.resolve("config.json"));
    client = RegistryClient.open(RegistryConfig.builder().certsDir(registry.certsDir(tmp.resolve("certs.d")))
        .credentials(credentials).retry(PullFixtures.recordingRetry(slept)).build());
  }

  @AfterEach
  void tearDown() throws IOException {
    try (PullStores s = stores) {
      client.close();
    }
  }

  private ImageName name() throws IOException {
    return ImageName.parse(registry.host() + "/private/app:v1");
  }

  @Test
  void pull_withoutCredentials_throwsUnauthorizedWithLoginHint() throws IOException {
    PullStores.Snapshot before = stores.snapshot();
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> client.pull(stores.images(), name()));
    assertTrue(e.getMessage().startsWith("unauthorized"), e.getMessage());
    assertTrue(e.getMessage().contains("strata login " + registry.host()), e.getMessage());
    assertEquals(List.of(), slept);
    stores.assertUnchangedSince(before);
  }

  @Test
  void login_wrongPassword_isRefusedAndStoresNothing() throws IOException {
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> client.login(registry.host(), registry.username(), "not-the-password"));
    assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
    assertFalse(Files.exists(credentials.file()), "nothing written for a refused login");
    assertEquals(Optional.empty(), credentials.find(registry.host()));
  }

  @Test
  void login_thenPull_thenLogout_keepsCredentialsOwnerOnlyAndForgetsThem() throws IOException {
    client.login(registry.host(), registry.username(), registry.password());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials.file())));
    assertEquals(Optional.of(new Credentials(registry.username(), registry.password())),
        credentials.find(registry.host()));

    PullResult result = client.pull(stores.images(), name());
    assertEquals(IMAGE.digest(), result.manifestDigest().toString());
    stores.assertHolds(result, IMAGE, TARS);

    assertTrue(client.logout(registry.host()));
    assertEquals(Optional.empty(), credentials.find(registry.host()));
    assertEquals(java.util.Set.of(), credentials.registries());
    assertThrows(FailedPreconditionException.class, () -> client.pull(stores.images(), name()),
        "after logout the registry refuses again, even with the layers present");
  }
}
