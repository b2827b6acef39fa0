package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.registry.LayerProgress.State;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a pull tells its {@link PullListener}, and how many downloads it runs at once. */
class PullProgressTest {

  @TempDir Path tmp;
  private PullStores stores;
  private FakeRegistry fake;
  private final List<LayerProgress> heard = Collections.synchronizedList(new ArrayList<>());
  private final TestImage image = PullFixtures.image(PullFixtures.layerTars(5, 500));

  @BeforeEach
  void setUp() throws IOException {
    stores = PullStores.open(tmp);
    fake = FakeRegistry.plain();
    fake.put("library/app", "v1", image);
  }

  @AfterEach
  void tearDown() throws IOException {
    try (PullStores s = stores) {
      fake.close();
    }
  }

  private PullResult pull(int parallel) throws IOException {
    RegistryConfig config = RegistryConfig.builder().insecureRegistries(Set.of(fake.host()))
        .maxParallelDownloads(parallel).listener(heard::add)
        .retry(PullFixtures.recordingRetry(new ArrayList<>())).build();
    try (RegistryClient client = RegistryClient.open(config)) {
      return client.pull(stores.images(), ImageName.parse(fake.host() + "/library/app:v1"));
    }
  }

  private Map<String, List<State>> statesByLayer() {
    Map<String, List<State>> states = new LinkedHashMap<>();
    image.layerDigests().forEach(d -> states.put(d, new ArrayList<>()));
    synchronized (heard) {
      for (LayerProgress p : heard) {
        states.computeIfAbsent(p.digest().toString(), d -> new ArrayList<>()).add(p.state());
      }
    }
    return states;
  }

  @Test
  void pull_twoParallelDownloadsOfSlowBlobs_neverMoreThanTwoBlobGetsInFlight() throws IOException {
    fake.faults().delayBlobs(Duration.ofMillis(300));
    assertEquals(5, pull(2).downloaded());
    assertEquals(2, fake.maxConcurrentBlobGets());
  }

  @Test
  void pull_oneDownloadAtATime_neverOverlapsBlobGets() throws IOException {
    fake.faults().delayBlobs(Duration.ofMillis(50));
    pull(1);
    assertEquals(1, fake.maxConcurrentBlobGets());
  }

  @Test
  void pull_fresh_reportsEveryLayerFromWaitingToDone() throws IOException {
    pull(3);
    Map<String, List<State>> states = statesByLayer();
    assertEquals(Set.copyOf(image.layerDigests()), states.keySet(), "layers only, never the config");
    states.forEach((digest, seen) -> {
      assertEquals(State.WAITING, seen.get(0), digest + ": " + seen);
      assertTrue(seen.contains(State.DOWNLOADING), digest + ": " + seen);
      assertEquals(List.of(State.DOWNLOADED, State.EXTRACTING, State.DONE),
          seen.subList(seen.size() - 3, seen.size()), digest + ": " + seen);
      heard.stream().filter(p -> p.digest().toString().equals(digest))
          .forEach(p -> assertTrue(p.done() <= p.total(), p.toString()));
    });
  }

  @Test
  void pull_retriedBlob_reportsRetryingThenStillEndsDone() throws IOException {
    String layer = image.layerDigests().get(1);
    fake.faults().dropBlobConnection(layer, 100, 1);
    pull(3);
    List<State> seen = statesByLayer().get(layer);
    assertTrue(seen.contains(State.RETRYING), seen.toString());
    assertEquals(State.DONE, seen.get(seen.size() - 1), seen.toString());
  }

  @Test
  void pull_again_reportsEveryLayerExistsOnly() throws IOException {
    pull(3);
    heard.clear();
    assertEquals(5, pull(3).skipped());
    statesByLayer().forEach((digest, seen) -> assertEquals(List.of(State.EXISTS), seen, digest));
  }
}
