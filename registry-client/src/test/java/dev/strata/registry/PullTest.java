package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.image.ImageStore;
import dev.strata.image.MediaTypes;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.testing.LayerCompression;
import dev.strata.testing.LayerTarBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullTest {

  @TempDir Path root;
  private TinyRegistry registry;
  private LayerStore layers;
  private ImageStore images;
  private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  private Digest layer1;
  private Digest layer2;

  @BeforeEach
  void setUp() throws IOException {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the vfs layer store needs root");
    registry = new TinyRegistry();
    layers = LayerStore.open(LayerStoreConfig.of(root.resolve("store"), "vfs"));
    images = ImageStore.open(layers);
  }

  @AfterEach
  void tearDown() throws IOException {
    if (registry != null) {
      registry.close();
      images.close();
      layers.close();
    }
  }

  private RegistryConfig.Builder config() {
    return RegistryConfig.builder().insecureRegistries(Set.of(registry.host()))
        .retry(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(100), slept::add, () -> 0.5));
  }

  /** Publishes test/app:v1 with a plain and a gzip layer; returns the manifest digest. */
  private Digest publish(String mediaType) throws IOException {
    byte[] tar1 = new LayerTarBuilder().file("a.txt", "first layer", 0644).build();
    byte[] tar2 = new LayerTarBuilder().file("b.txt", "second layer", 0644).build();
    layer1 = registry.putBlob(tar1);
    layer2 = registry.putBlob(LayerCompression.GZIP.compress(tar2));
    String cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\",\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"" + Digest.sha256Of(tar1) + "\",\"" + Digest.sha256Of(tar2) + "\"]}}";
    byte[] config = cfg.getBytes(StandardCharsets.UTF_8);
    Digest configDigest = registry.putBlob(config);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"config\":{\"mediaType\":\""
        + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":["
        + layerJson(layer1, tar1.length) + "," + layerJson(layer2, registry.blobs.get(layer2).length) + "]}";
    return registry.putManifest("test/app", "v1", mediaType, manifest.getBytes(StandardCharsets.UTF_8));
  }

  private ImageName name(String suffix) throws IOException {
    return ImageName.parse(registry.host() + "/test/app" + suffix);
  }

  @Test
  void pull_byTag_registersLayersTagsImageAndLeavesNoStaging() throws Exception {
    Digest manifest = publish(MediaTypes.OCI_MANIFEST);
    try (RegistryClient client = RegistryClient.open(config().build())) {
      PullResult r = client.pull(images, name(":v1"));
      assertEquals(manifest, r.manifestDigest());
      assertEquals(2, r.downloaded());
      assertEquals(0, r.skipped());
      assertEquals(r.imageId(), images.get(registry.host() + "/test/app:v1").id());
    }
    assertEquals(2, layers.layers().size());
    ChainId top = topLayer();
    assertEquals(1, layers.references(top), "the image holds one reference on its top layer, the pull none");
    assertStagingEmpty();
  }

  @Test
  void pull_again_skipsLayersPresent() throws Exception {
    publish(MediaTypes.DOCKER_MANIFEST);
    try (RegistryClient client = RegistryClient.open(config().build())) {
      client.pull(images, name(":v1"));
      registry.log.clear();
      PullResult again = client.pull(images, name(":v1"));
      assertEquals(0, again.downloaded());
      assertEquals(2, again.skipped());
    }
    assertFalse(registry.log.stream().anyMatch(l -> l.contains(layer1.hex()) || l.contains(layer2.hex())), registry.log.toString());
    assertEquals(1, layers.references(topLayer()));
  }

  @Test
  void pull_byDigest_leavesImageUntagged() throws Exception {
    Digest manifest = publish(MediaTypes.OCI_MANIFEST);
    try (RegistryClient client = RegistryClient.open(config().build())) {
      PullResult r = client.pull(images, name("@" + manifest));
      assertEquals(Optional.empty(), r.tag());
      assertTrue(images.find(registry.host() + "/test/app:v1").isEmpty());
      assertEquals(1, images.images().size());
    }
  }

  @Test
  void pull_connectionDroppedMidBlob_resumesWithRange() throws Exception {
    publish(MediaTypes.OCI_MANIFEST);
    registry.dropOnce.add(layer2);
    try (RegistryClient client = RegistryClient.open(config().build())) {
      assertEquals(2, client.pull(images, name(":v1")).downloaded());
    }
    int half = registry.blobs.get(layer2).length / 2;
    assertTrue(registry.log.contains("GET /v2/test/app/blobs/" + layer2 + " bytes=" + half + "-"), registry.log.toString());
    assertStagingEmpty();
  }

  @Test
  void pull_blobWithOtherBytes_throwsCorruptAndLeavesNothing() throws Exception {
    publish(MediaTypes.OCI_MANIFEST);
    byte[] real = registry.blobs.get(layer2);
    byte[] wrong = real.clone();
    wrong[wrong.length / 2] ^= 1;
    registry.tampered.put(layer2, wrong);
    try (RegistryClient client = RegistryClient.open(config().build())) {
      CorruptException e = assertThrows(CorruptException.class, () -> client.pull(images, name(":v1")));
      assertEquals(layer2.toString(), e.subject());
    }
    assertEquals(List.of(), layers.layers());
    assertEquals(List.of(), images.images());
    assertStagingEmpty();
  }

  @Test
  void pull_unknownTag_throwsNotFoundNamingIt() throws Exception {
    publish(MediaTypes.OCI_MANIFEST);
    try (RegistryClient client = RegistryClient.open(config().build())) {
      NotFoundException e = assertThrows(NotFoundException.class, () -> client.pull(images, name(":nope")));
      assertTrue(e.getMessage().contains("test/app:nope"), e.getMessage());
      assertTrue(e.getMessage().contains("MANIFEST_UNKNOWN"), e.getMessage());
    }
  }

  @Test
  void pull_registryUnavailableTwice_retriesHonouringRetryAfter() throws Exception {
    publish(MediaTypes.OCI_MANIFEST);
    registry.unavailable.set(2);
    try (RegistryClient client = RegistryClient.open(config().build())) {
      client.pull(images, name(":v1"));
    }
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), slept);
  }

  @Test
  void pull_unavailableBeyondRetries_throwsFailedPrecondition() throws Exception {
    publish(MediaTypes.OCI_MANIFEST);
    registry.unavailable.set(100);
    try (RegistryClient client = RegistryClient.open(config().build())) {
      assertThrows(FailedPreconditionException.class, () -> client.pull(images, name(":v1")));
    }
    assertEquals(3, slept.size());
  }

  @Test
  void pull_basicAuthWithoutCredentials_throwsUnauthorizedWithLoginHint() throws Exception {
    publish(MediaTypes.OCI_MANIFEST);
    registry.requireBasic("alice", "s3cret");
    try (RegistryClient client = RegistryClient.open(config().build())) {
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> client.pull(images, name(":v1")));
      assertTrue(e.getMessage().contains("strata login " + registry.host()), e.getMessage());
    }
  }

  @Test
  void login_thenPull_sendsStoredCredentials() throws Exception {
    publish(MediaTypes.OCI_MANIFEST);
    registry.requireBasic("alice", "s3cret");
    CredentialStore store = CredentialStore.at(root.resolve("auth.json"));
    try (RegistryClient client = RegistryClient.open(config().credentials(store).build())) {
      FailedPreconditionException wrong = assertThrows(FailedPreconditionException.class,
          () -> client.login(registry.host(), "alice", "wrong-pass"));
      assertFalse(wrong.getMessage().contains("wrong-pass"));
      assertEquals(Optional.empty(), store.find(registry.host()));
      client.login(registry.host(), "alice", "s3cret");
      assertEquals(2, client.pull(images, name(":v1")).downloaded());
      assertTrue(client.logout(registry.host()));
    }
  }

  @Test
  void pull_indexWithoutPlatform_throwsNotFoundListingPlatforms() throws Exception {
    Digest manifest = publish(MediaTypes.OCI_MANIFEST);
    int size = registry.manifests.get("test/app:v1").length;
    String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + manifest + "\",\"size\":" + size
        + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}}]}";
    registry.putManifest("test/app", "multi", MediaTypes.OCI_INDEX, index.getBytes(StandardCharsets.UTF_8));
    try (RegistryClient client = RegistryClient.open(config().build())) {
      NotFoundException e = assertThrows(NotFoundException.class, () -> client.pull(images, name(":multi")));
      assertTrue(e.getMessage().contains("linux/arm64/v8"), e.getMessage());
    }
    try (RegistryClient client = RegistryClient.open(config().platform(Platform.parse("linux/arm64")).build())) {
      assertEquals(manifest, client.pull(images, name(":multi")).manifestDigest());
    }
  }

  @Test
  void pull_schema1_throwsUnsupported() throws Exception {
    registry.putManifest("test/app", "old", MediaTypes.DOCKER_SCHEMA1_SIGNED,
        "{\"schemaVersion\":1,\"name\":\"test/app\",\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8));
    try (RegistryClient client = RegistryClient.open(config().build())) {
      assertThrows(UnsupportedException.class, () -> client.pull(images, name(":old")));
    }
  }

  private ChainId topLayer() throws IOException {
    return layers.layers().stream().max((a, b) -> Integer.compare(a.depth(), b.depth())).map(Layer::chainId).orElseThrow();
  }

  private void assertStagingEmpty() throws IOException {
    try (var s = Files.list(root.resolve("store/tmp"))) {
      assertEquals(List.of(), s.toList());
    }
  }

  private static String layerJson(Digest d, long size) {
    return "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + d + "\",\"size\":" + size + "}";
  }
}
