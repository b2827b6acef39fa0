package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.NotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pull against a {@link FakeRegistry} that fails on purpose: retries, resumes, and all-or-nothing. */
class PullFaultTest {

  @TempDir Path tmp;
  private PullStores stores;
  private FakeRegistry fake;
  private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  private final List<byte[]> tars = PullFixtures.layerTars(2, 4000);
  private final TestImage image = PullFixtures.image(tars);
  private String layer0;
  private String layer1;

  @BeforeEach
  void setUp() throws IOException {
    stores = PullStores.open(tmp);
    fake = FakeRegistry.plain();
    fake.put("library/app", "v1", image);
    layer0 = image.layerDigests().get(0);
    layer1 = image.layerDigests().get(1);
  }

  @AfterEach
  void tearDown() throws IOException {
    try (PullStores s = stores) {
      if (fake != null) {
        fake.close();
      }
    }
  }

  private PullResult pull(String reference) throws IOException {
    RegistryConfig config = RegistryConfig.builder().insecureRegistries(Set.of(fake.host()))
        .retry(PullFixtures.recordingRetry(slept)).readTimeout(Duration.ofSeconds(1)).build();
    try (RegistryClient client = RegistryClient.open(config)) {
      return client.pull(stores.images(), ImageName.parse(fake.host() + "/library/app" + reference));
    }
  }

  private List<Optional<String>> rangesAsked(String digest) {
    return fake.requests().matching("^GET /v2/library/app/blobs/" + digest).stream()
        .map(r -> r.header("Range")).toList();
  }

  @Test
  void pull_unknownTag_throwsNotFoundNamingTheReference() throws IOException {
    PullStores.Snapshot before = stores.snapshot();
    NotFoundException e = assertThrows(NotFoundException.class, () -> pull(":nope"));
    assertTrue(e.getMessage().contains("library/app:nope"), e.getMessage());
    stores.assertUnchangedSince(before);
  }

  @Test
  void pull_throttledWithRetryAfter_waitsAsToldThenSucceeds() throws IOException {
    fake.faults().throttle("GET", "/manifests/", 1, 3).throttle("GET", "/blobs/" + layer0, 1, 2);
    assertEquals(2, pull(":v1").downloaded());
    assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(2)), slept);
  }

  @Test
  void pull_500Then503_retriesWithBackoffThenSucceeds() throws IOException {
    fake.faults().failRequests("GET", "/blobs/" + layer1, 500, 1).failRequests("GET", "/blobs/" + layer1, 503, 1);
    assertEquals(2, pull(":v1").downloaded());
    assertEquals(List.of(Duration.ofMillis(7), Duration.ofMillis(15)), slept);
    assertEquals(3, fake.requests().count("GET", "/v2/library/app/blobs/" + layer1));
  }

  @Test
  void pull_persistent503_givesUpAfterMaxAttemptsLeavingStoresAsTheyWere() throws IOException {
    fake.faults().failRequests("GET", "/blobs/" + layer1, 503, 100);
    PullStores.Snapshot before = stores.snapshot();
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> pull(":v1"));
    assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
    assertEquals(4, fake.requests().count("GET", "/v2/library/app/blobs/" + layer1));
    stores.assertUnchangedSince(before);
  }

  @Test
  void pull_503sThenCutBody_shareOneBudgetOfMaxAttempts() throws IOException {
    // Three 503s (transport retries) and one cut body (blob resume): 4 tries in all, not 4 per resume.
    fake.faults().failRequests("GET", "/blobs/" + layer1, 503, 3).dropBlobConnection(layer1, 100, 1);
    PullStores.Snapshot before = stores.snapshot();
    CorruptException e = assertThrows(CorruptException.class, () -> pull(":v1"));
    assertEquals(layer1, e.subject());
    assertEquals(4, fake.requests().count("GET", "/v2/library/app/blobs/" + layer1));
    assertEquals(3, slept.size());
    stores.assertUnchangedSince(before);
  }

  @Test
  void pull_corruptBlob_throwsCorruptAndLeavesStoresAsTheyWere() throws IOException {
    fake.faults().corruptBlob(layer1);
    PullStores.Snapshot before = stores.snapshot();
    CorruptException e = assertThrows(CorruptException.class, () -> pull(":v1"));
    assertEquals(layer1, e.subject());
    stores.assertUnchangedSince(before);
    assertEquals(List.of(), stores.layers().layers());
    assertEquals(List.of(), stores.images().images());
  }

  @Test
  void pull_corruptBlobOnTopOfPresentImage_keepsTheOldLayersAndTheirCounts() throws IOException {
    pull(":v1");
    List<byte[]> more = new ArrayList<>(tars);
    more.add(PullFixtures.layerTars(3, 4001).get(2));
    TestImage bigger = PullFixtures.image(more);
    fake.put("library/app", "v2", bigger);
    fake.faults().corruptBlob(bigger.layerDigests().get(2));
    PullStores.Snapshot before = stores.snapshot();
    assertThrows(CorruptException.class, () -> pull(":v2"));
    stores.assertUnchangedSince(before);
  }

  @Test
  void pull_corruptManifest_throwsCorruptAndLeavesStoresAsTheyWere() throws IOException {
    fake.faults().corruptManifest("v1");
    PullStores.Snapshot before = stores.snapshot();
    CorruptException e = assertThrows(CorruptException.class, () -> pull(":v1"));
    assertEquals(image.digest(), e.subject());
    stores.assertUnchangedSince(before);
  }

  @Test
  void pull_corruptManifestByDigest_throwsCorrupt() throws IOException {
    fake.faults().corruptManifest(image.digest());
    assertThrows(CorruptException.class, () -> pull("@" + image.digest()));
    stores.assertNoStaging();
  }

  @Test
  void pull_blobAlwaysTruncated_resumesUntilAttemptsRunOutThenThrowsCorrupt() throws IOException {
    // Every answer is cut at half its body: each resume gets half the rest, never the end.
    fake.faults().truncateBlob(layer1);
    PullStores.Snapshot before = stores.snapshot();
    CorruptException e = assertThrows(CorruptException.class, () -> pull(":v1"));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    List<Optional<String>> ranges = rangesAsked(layer1);
    assertEquals(4, ranges.size());
    assertEquals(Optional.empty(), ranges.get(0));
    assertTrue(ranges.subList(1, 4).stream().allMatch(r -> r.orElse("").startsWith("bytes=")), ranges.toString());
    stores.assertUnchangedSince(before);
  }

  @Test
  void pull_connectionDroppedTwice_resumesWithRangeFetchingEachByteOnce() throws IOException {
    fake.faults().dropBlobConnection(layer1, 100, 2);
    PullResult result = pull(":v1");
    // Cut after 100 bytes, then after 100 more, then the rest: the blob crosses the wire once.
    assertEquals(List.of(Optional.empty(), Optional.of("bytes=100-"), Optional.of("bytes=200-")), rangesAsked(layer1));
    stores.assertHolds(result, image, tars);
    stores.assertNoStaging();
  }

  @Test
  void pull_serverStallsMidBlob_readTimesOutAndResumes() throws IOException {
    fake.faults().stallBlob(layer1, 100);
    PullResult result = pull(":v1");
    assertEquals(List.of(Optional.empty(), Optional.of("bytes=100-")), rangesAsked(layer1));
    assertEquals(1, slept.size());
    stores.assertHolds(result, image, tars);
  }

  @Test
  void pull_serverStallsTheConfigBlob_readTimesOutAndResumes() throws IOException {
    fake.faults().stallBlob(image.configDigest(), 10);
    assertEquals(2, pull(":v1").downloaded());
    assertEquals(2, fake.requests().count("GET", "/v2/library/app/blobs/" + image.configDigest()));
  }
}
