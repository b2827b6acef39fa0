package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.image.Image;
import dev.strata.image.MediaTypes;
import dev.strata.json.Json;
import dev.strata.registry.BlobPush.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push against an in-process registry, checked by pulling back into a fresh store. */
class RegistryPushTest {

  @TempDir Path tmp;

  private UploadRegistry registry;
  private RegistryClient client;
  private LocalImages local;

  @BeforeEach
  void setUp() throws IOException {
    registry = UploadRegistry.start();
    client = RegistryClient.open(config(registry));
    local = LocalImages.open(tmp.resolve("local"));
  }

  @AfterEach
  void tearDown() throws IOException {
    local.close();
    client.close();
    registry.close();
  }

  static RegistryConfig config(UploadRegistry registry) {
    return RegistryConfig.builder().insecureRegistries(Set.of(registry.host()))
        .retry(RetryPolicy.DEFAULT.withSleeper(d -> { })).build();
  }

  private ImageName name(String repoTag) throws InvalidArgumentException {
    return ImageName.parse(registry.host() + "/" + repoTag);
  }

  @Test
  void push_thenPullIntoFreshStore_sameImageIdDiffIdsAndLayerContent() throws Exception {
    Image image = local.add("app:1.0", 3, 3000, 1);

    PushResult pushed = client.push(local.images, "app:1.0", name("team/app:1.0"), PushOptions.DEFAULTS,
        PushListener.NONE);

    assertEquals(3, pushed.layers(Outcome.UPLOADED));
    assertEquals(Outcome.UPLOADED, pushed.config().outcome());
    assertEquals(image.id().digest(), pushed.config().digest());
    assertPullsBack(image, pushed, "team/app:1.0");
  }

  @Test
  void push_defaultOptions_writesDockerSchema2WithGzipLayers() throws Exception {
    local.add("app:1.0", 1, 100, 2);

    PushResult pushed = client.push(local.images, "app:1.0", name("app:1.0"), PushOptions.DEFAULTS, PushListener.NONE);

    JsonNode manifest = Json.parse(registry.manifest("app", "1.0").orElseThrow(), "manifest");
    assertEquals(MediaTypes.DOCKER_MANIFEST, manifest.get("mediaType").asText());
    assertEquals(MediaTypes.DOCKER_CONFIG, manifest.get("config").get("mediaType").asText());
    assertEquals("application/vnd.docker.image.rootfs.diff.tar.gzip",
        manifest.get("layers").get(0).get("mediaType").asText());
    byte[] bytes = registry.manifest("app", "1.0").orElseThrow();
    assertEquals(Digest.sha256Of(bytes), pushed.manifestDigest());
    assertEquals(bytes.length, pushed.manifestSize());
  }

  @Test
  void push_secondTime_uploadsNothingAndGivesSameDigest() throws Exception {
    local.add("app:1.0", 2, 2000, 3);
    PushResult first = client.push(local.images, "app:1.0", name("app:1.0"), PushOptions.DEFAULTS, PushListener.NONE);
    registry.clearLog();

    PushResult second = client.push(local.images, "app:1.0", name("app:1.0"), PushOptions.DEFAULTS, PushListener.NONE);

    assertEquals(2, second.layers(Outcome.EXISTS));
    assertEquals(Outcome.EXISTS, second.config().outcome());
    assertEquals(first.manifestDigest(), second.manifestDigest());
    assertEquals(0, registry.count("POST", "/blobs/uploads"), registry.requests().toString());
    assertEquals(0, registry.count("PATCH", "/blobs/uploads"));
    assertEquals(3, registry.count("HEAD", "/blobs/"));
  }

  @Test
  void push_withMountFrom_mountsEveryBlobInsteadOfUploading() throws Exception {
    Image image = local.add("app:1.0", 2, 2000, 4);
    client.push(local.images, "app:1.0", name("base/app:1.0"), PushOptions.DEFAULTS, PushListener.NONE);
    registry.clearLog();

    PushResult pushed = client.push(local.images, "app:1.0", name("other/app:1.0"),
        PushOptions.DEFAULTS.withMountFrom("base/app"), PushListener.NONE);

    assertEquals(2, pushed.layers(Outcome.MOUNTED));
    assertEquals(Outcome.MOUNTED, pushed.config().outcome());
    assertEquals(3, registry.count("POST", "mount="));
    assertEquals(0, registry.count("PUT", "/blobs/uploads/"));
    assertPullsBack(image, pushed, "other/app:1.0");
  }

  @Test
  void push_imageTaggedInOtherRepositoryOfRegistry_mountsFromThere() throws Exception {
    local.add(registry.host() + "/library/base:1", 1, 500, 5);
    client.push(local.images, registry.host() + "/library/base:1", name("library/base:1"), PushOptions.DEFAULTS,
        PushListener.NONE);
    local.images.tag(registry.host() + "/library/base:1", "mine:1");
    registry.clearLog();

    PushResult pushed = client.push(local.images, "mine:1", name("me/mine:1"), PushOptions.DEFAULTS, PushListener.NONE);

    assertEquals(1, pushed.layers(Outcome.MOUNTED));
    assertTrue(registry.requests().stream().anyMatch(r -> r.contains("from=library/base")), registry.requests().toString());
  }

  @Test
  void push_registryCannotMount_cancelsTheMountSessionAndUploads() throws Exception {
    Image image = local.add("app:1.0", 1, 700, 6);
    client.push(local.images, "app:1.0", name("a/app:1.0"), PushOptions.DEFAULTS, PushListener.NONE);
    registry.refuseMounts();
    registry.clearLog();

    PushResult pushed = client.push(local.images, "app:1.0", name("b/app:1.0"),
        PushOptions.DEFAULTS.withMountFrom("a/app"), PushListener.NONE);

    assertEquals(1, pushed.layers(Outcome.UPLOADED));
    // The layer: a mount (202, cancelled), then an upload that asks neither HEAD nor mount again;
    // the config: a mount whose session it uploads into.
    assertEquals(3, registry.count("POST", "/blobs/uploads/"), registry.requests().toString());
    assertEquals(1, registry.count("DELETE", "/blobs/uploads/"));
    assertEquals(2, registry.count("HEAD", "/blobs/"));
    assertEquals(0, registry.openUploads());
    assertPullsBack(image, pushed, "b/app:1.0");
  }

  @Test
  void push_blobAboveMonolithicLimit_sendsChunkedPatchesThenPut() throws Exception {
    Image image = local.add("big:1", 1, 10_000, 7);

    PushResult pushed = client.push(local.images, "big:1", name("big:1"),
        PushOptions.DEFAULTS.withChunking(1024, 4096), PushListener.NONE);

    long layerSize = pushed.layers().get(0).size();
    assertTrue(layerSize > 8192, "layer blob of " + layerSize + " bytes should need three chunks");
    assertEquals((layerSize + 4095) / 4096, registry.count("PATCH", "/blobs/uploads/"));
    assertTrue(registry.requests().stream().anyMatch(r -> r.startsWith("PATCH") && r.contains("_state=")),
        "each PATCH follows the previous answer's Location");
    assertPullsBack(image, pushed, "big:1");
  }

  @Test
  void push_blobAtMonolithicLimit_sendsOnePutWithoutPatch() throws Exception {
    local.add("small:1", 1, 100, 8);

    client.push(local.images, "small:1", name("small:1"), PushOptions.DEFAULTS, PushListener.NONE);

    assertEquals(0, registry.count("PATCH", ""));
    assertEquals(2, registry.count("PUT", "/blobs/uploads/"));
  }

  @Test
  void push_zstd_writesOciManifestThatPullsBack() throws Exception {
    Image image = local.add("z:1", 2, 1500, 9);

    PushResult pushed = client.push(local.images, "z:1", name("z:1"),
        PushOptions.DEFAULTS.withCompression(BlobCompression.ZSTD), PushListener.NONE);

    assertEquals(MediaTypes.OCI_MANIFEST, pushed.manifestMediaType());
    JsonNode manifest = Json.parse(registry.manifest("z", "1").orElseThrow(), "manifest");
    assertEquals("application/vnd.oci.image.layer.v1.tar+zstd", manifest.get("layers").get(1).get("mediaType").asText());
    assertEquals(MediaTypes.OCI_CONFIG, manifest.get("config").get("mediaType").asText());
    assertPullsBack(image, pushed, "z:1");
  }

  @Test
  void push_registryConfirmsOtherBlobDigest_throwsCorruptAndLeavesNoStaging() throws Exception {
    local.add("app:1.0", 1, 100, 10);
    registry.confirmWrongBlobDigest();

    CorruptException e = assertThrows(CorruptException.class, () ->
        client.push(local.images, "app:1.0", name("app:1.0"), PushOptions.DEFAULTS, PushListener.NONE));

    assertTrue(e.getMessage().contains("the registry stored sha256:000"), e.getMessage());
    assertTrue(registry.manifest("app", "1.0").isEmpty(), "no manifest after a failed blob");
    assertEquals(List.of(), staging());
  }

  @Test
  void push_registryConfirmsOtherManifestDigest_throwsCorrupt() throws Exception {
    local.add("app:1.0", 1, 100, 11);
    registry.confirmWrongManifestDigest();

    assertThrows(CorruptException.class, () ->
        client.push(local.images, "app:1.0", name("app:1.0"), PushOptions.DEFAULTS, PushListener.NONE));
    assertEquals(List.of(), staging());
  }

  @Test
  void push_targetByDigestOnly_throwsInvalidArgument() throws Exception {
    local.add("app:1.0", 1, 100, 12);
    ImageName byDigest = ImageName.parse(registry.host() + "/app@sha256:" + "a".repeat(64));

    assertThrows(InvalidArgumentException.class, () ->
        client.push(local.images, "app:1.0", byDigest, PushOptions.DEFAULTS, PushListener.NONE));
    assertEquals(List.of(), registry.requests());
  }

  @Test
  void push_listener_hearsEachLayerPreparedUploadedAndPushedBaseFirst() throws Exception {
    Image image = local.add("app:1.0", 2, 100, 13);
    List<PushProgress> heard = Collections.synchronizedList(new ArrayList<>());

    client.push(local.images, "app:1.0", name("app:1.0"), PushOptions.DEFAULTS, heard::add);

    List<PushProgress> finals = heard.stream().filter(p -> p.state() == PushProgress.State.PUSHED).toList();
    assertEquals(image.diffIds(), finals.stream().map(PushProgress::diffId).toList());
    assertTrue(finals.stream().allMatch(p -> p.done() == p.total() && p.total() > 0));
    assertEquals(PushProgress.State.PREPARING, heard.get(0).state());
  }

  private void assertPullsBack(Image image, PushResult pushed, String repoTag) throws Exception {
    try (LocalImages fresh = LocalImages.open(tmp.resolve("fresh-" + System.nanoTime()))) {
      PullResult pulled = client.pull(fresh.images, name(repoTag));
      assertEquals(image.id(), pulled.imageId());
      assertEquals(pushed.manifestDigest(), pulled.manifestDigest());
      Image back = fresh.images.get(pulled.imageId().toString());
      assertEquals(image.diffIds(), back.diffIds());
      for (int i = 0; i < image.chainIds().size(); i++) {
        assertArrayEquals(local.export(image.chainIds().get(i)), fresh.export(back.chainIds().get(i)), "layer " + i);
      }
    }
  }

  private List<Path> staging() throws IOException {
    Path tmpDir = local.root.resolve("tmp");
    if (!Files.isDirectory(tmpDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(tmpDir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("image-push-")).toList();
    }
  }

  @Test
  void blobCompression_gzipSameLayerTwice_sameBytes() throws Exception {
    Image image = local.add("app:1.0", 1, 5000, 14);
    LayerCompressor compressor = new LayerCompressor(local.layers);

    StagedBlob a = compressor.compress(image.chainIds().get(0), BlobCompression.GZIP, tmp.resolve("a"), n -> { });
    StagedBlob b = compressor.compress(image.chainIds().get(0), BlobCompression.GZIP, tmp.resolve("b"), n -> { });

    assertEquals(a.digest(), b.digest());
    byte[] head = Files.readAllBytes(a.file());
    assertEquals(0, head[3], "no FNAME/FCOMMENT/FEXTRA flags");
    assertEquals(0, head[4] | head[5] | head[6] | head[7], "zero mtime");
    assertEquals(Digest.sha256Of(head), a.digest());
    assertEquals(head.length, a.size());
    assertFalse(a.size() == 0);
  }
}
