package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.Digest;
import dev.strata.image.Image;
import dev.strata.json.Json;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerBlob;
import dev.strata.registry.BlobPush.Outcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push names the blobs a layer is known as (pulled, loaded, pushed) before it compresses the
 * layer: an image pulled in another tool's gzip bytes goes back to its registry without a layer
 * byte sent.
 */
class PushReuseTest {

  @TempDir Path tmp;

  private UploadRegistry registry;
  private RegistryClient client;
  private LocalImages local;
  private TestImage source;
  private List<byte[]> tars;

  @BeforeEach
  void setUp() throws IOException {
    registry = UploadRegistry.start();
    client = RegistryClient.open(RegistryPushTest.config(registry));
    local = LocalImages.open(tmp.resolve("local"));
    tars = PullFixtures.layerTars(3, 4000);
    source = TestImage.of(ManifestFormat.DOCKER, tars, TestImage.config("amd64",
        tars.stream().map(Sha256::of).toList()), ForeignGzip::compress);
    RawPush.to("http://" + registry.host()).push("src/app", "1", source);
  }

  @AfterEach
  void tearDown() throws IOException {
    local.close();
    client.close();
    registry.close();
  }

  private ImageName name(String repoTag) throws IOException {
    return ImageName.parse(registry.host() + "/" + repoTag);
  }

  @Test
  void pull_recordsEachLayersBlobAndRepository() throws Exception {
    client.pull(local.images, name("src/app:1"));

    Image image = local.images.get(registry.host() + "/src/app:1");
    for (int i = 0; i < tars.size(); i++) {
      assertEquals(List.of(new LayerBlob(Digest.parse(source.layerDigests().get(i)),
              "application/vnd.docker.image.rootfs.diff.tar.gzip", source.layers().get(i).length,
              Optional.of(registry.host() + "/src/app"))),
          local.layers.blobs(image.chainIds().get(i)), "layer " + i);
    }
  }

  @Test
  void push_pulledImageToOtherRepository_mountsEveryLayerAndSendsNoByte() throws Exception {
    client.pull(local.images, name("src/app:1"));
    local.images.tag(registry.host() + "/src/app:1", "mine:1");
    registry.clearLog();

    PushResult pushed = client.push(local.images, "mine:1", name("dst/app:1"), PushOptions.DEFAULTS,
        PushListener.NONE);

    assertEquals(3, pushed.layers(Outcome.MOUNTED), registry.requests().toString());
    assertEquals(source.layerDigests(), pushed.layers().stream().map(b -> b.digest().toString()).toList());
    assertEquals(0, registry.uploadedBytes(), "no layer or config byte uploaded");
    assertEquals(0, registry.openUploads());
    assertEquals(source.layerDigests(), manifestLayerDigests("dst/app", "1"));
    assertPullsBack("mine:1", "dst/app:1");
  }

  @Test
  void push_pulledImageUnderNewTagOfSameRepository_findsEveryLayerThere() throws Exception {
    client.pull(local.images, name("src/app:1"));
    registry.clearLog();

    PushResult pushed = client.push(local.images, registry.host() + "/src/app:1", name("src/app:2"),
        PushOptions.DEFAULTS, PushListener.NONE);

    assertEquals(3, pushed.layers(Outcome.EXISTS));
    assertEquals(0, registry.count("POST", "/blobs/uploads/"), registry.requests().toString());
    assertEquals(0, registry.uploadedBytes());
    assertEquals(source.layerDigests(), manifestLayerDigests("src/app", "2"));
  }

  @Test
  void push_pulledImageToOtherRegistry_compressesUploadsAndRecordsIt_thenMountsThere() throws Exception {
    client.pull(local.images, name("src/app:1"));
    try (UploadRegistry other = UploadRegistry.start();
        RegistryClient otherClient = RegistryClient.open(RegistryConfig.builder()
            .insecureRegistries(Set.of(registry.host(), other.host())).build())) {
      ImageName first = ImageName.parse(other.host() + "/one/app:1");

      PushResult uploaded = otherClient.push(local.images, registry.host() + "/src/app:1", first,
          PushOptions.DEFAULTS, PushListener.NONE);
      other.clearLog();
      PushResult mounted = otherClient.push(local.images, registry.host() + "/src/app:1",
          ImageName.parse(other.host() + "/two/app:1"), PushOptions.DEFAULTS, PushListener.NONE);

      assertEquals(3, uploaded.layers(Outcome.UPLOADED));
      for (int i = 0; i < 3; i++) {
        assertNotEquals(source.layerDigests().get(i), uploaded.layers().get(i).digest().toString(),
            "Strata's own gzip differs from the other tool's");
      }
      assertEquals(3, mounted.layers(Outcome.MOUNTED), other.requests().toString());
      assertEquals(uploaded.manifestDigest(), mounted.manifestDigest());
      assertEquals(0, other.uploadedBytes());
    }
  }

  @Test
  void push_registryDeniesTheMount_compressesAndUploadsInstead() throws Exception {
    client.pull(local.images, name("src/app:1"));
    local.images.tag(registry.host() + "/src/app:1", "mine:1");
    registry.refuseMountsWith(403);
    registry.clearLog();

    PushResult pushed = client.push(local.images, "mine:1", name("dst/app:1"), PushOptions.DEFAULTS.withMountFrom("src/app"),
        PushListener.NONE);

    assertEquals(3, pushed.layers(Outcome.UPLOADED), registry.requests().toString());
    for (String digest : source.layerDigests()) {
      assertEquals(1, registry.count("POST", "mount=" + digest), "the pulled blob " + digest + " is asked for once");
    }
    assertPullsBack("mine:1", "dst/app:1");
  }

  @Test
  void push_zstdOfGzipPulledImage_compressesInsteadOfNamingTheGzipBlobs() throws Exception {
    client.pull(local.images, name("src/app:1"));
    registry.clearLog();

    PushResult pushed = client.push(local.images, registry.host() + "/src/app:1", name("z/app:1"),
        PushOptions.DEFAULTS.withCompression(BlobCompression.ZSTD), PushListener.NONE);

    assertEquals(3, pushed.layers(Outcome.UPLOADED));
    assertEquals(0, registry.count("POST", "mount=sha256:" + Digest.parse(source.layerDigests().get(0)).hex()));
    assertPullsBack(registry.host() + "/src/app:1", "z/app:1");
  }

  @Test
  void push_locallyBuiltImageAgainToOtherRepository_mountsFromWhereItWentFirst() throws Exception {
    local.add("built:1", 2, 3000, 21);
    client.push(local.images, "built:1", name("first/built:1"), PushOptions.DEFAULTS, PushListener.NONE);
    registry.clearLog();

    PushResult pushed = client.push(local.images, "built:1", name("second/built:1"), PushOptions.DEFAULTS,
        PushListener.NONE);

    assertEquals(2, pushed.layers(Outcome.MOUNTED), registry.requests().toString());
    assertTrue(registry.requests().stream().filter(r -> r.contains("mount=")).allMatch(r -> r.contains("from=first/built")));
  }

  @Test
  void push_recordNamesBlobTheRegistryLacks_fallsBackToCompressAndUpload() throws Exception {
    Image image = local.add("built:1", 1, 3000, 22);
    String stale = registry.host() + "/gone/repo";
    local.layers.recordBlob(image.chainIds().get(0), new LayerBlob(Digest.sha256Of(new byte[] {1}),
        "application/vnd.docker.image.rootfs.diff.tar.gzip", 1, Optional.of(stale)));

    PushResult pushed = client.push(local.images, "built:1", name("fresh/built:1"), PushOptions.DEFAULTS,
        PushListener.NONE);

    assertEquals(1, pushed.layers(Outcome.UPLOADED));
    assertEquals(0, registry.openUploads(), "the mount's upload session was cancelled");
    assertPullsBack("built:1", "fresh/built:1");
  }

  @Test
  void push_layersKnownFromAnArchiveLoad_findsTheBlobsInTheTargetRepository() throws Exception {
    // As an OCI layout load of these very gzip blobs records them: no repository, only the blob.
    Optional<ChainId> parent = Optional.empty();
    for (int i = 0; i < tars.size(); i++) {
      Layer l = local.layers.register(new ByteArrayInputStream(tars.get(i)), parent,
          Optional.empty());
      local.layers.recordBlob(l.chainId(), new LayerBlob(Digest.parse(source.layerDigests().get(i)),
          "application/vnd.oci.image.layer.v1.tar+gzip", source.layers().get(i).length, Optional.empty()));
      parent = Optional.of(l.chainId());
    }
    local.images.add(source.config(), List.of("loaded:1"));
    registry.clearLog();

    PushResult pushed = client.push(local.images, "loaded:1", name("src/app:3"), PushOptions.DEFAULTS,
        PushListener.NONE);

    assertEquals(3, pushed.layers(Outcome.EXISTS), registry.requests().toString());
    assertEquals(0, registry.uploadedBytes());
  }

  private List<String> manifestLayerDigests(String repository, String tag) throws IOException {
    JsonNode manifest = Json.parse(registry.manifest(repository, tag).orElseThrow(), "manifest");
    List<String> digests = new ArrayList<>();
    manifest.get("layers").forEach(l -> digests.add(l.get("digest").asText()));
    return digests;
  }

  private void assertPullsBack(String localRef, String repoTag) throws Exception {
    Image image = local.images.get(localRef);
    try (LocalImages fresh = LocalImages.open(tmp.resolve("fresh-" + System.nanoTime()))) {
      PullResult pulled = client.pull(fresh.images, name(repoTag));
      assertEquals(image.id(), pulled.imageId());
      Image back = fresh.images.get(pulled.imageId().toString());
      for (int i = 0; i < image.chainIds().size(); i++) {
        assertArrayEquals(local.export(image.chainIds().get(i)), fresh.export(back.chainIds().get(i)), "layer " + i);
      }
    }
  }
}
