package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.image.Image;
import dev.strata.layer.ChainId;
import dev.strata.registry.BlobPush.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's round trip against the real Distribution registry over TLS with htpasswd auth: push an
 * image, remove it locally, pull it back, and compare every digest and every layer's bytes.
 */
class RealRegistryPushTest {

  private static RegistryServer registry;

  @TempDir Path tmp;
  private LocalImages local;
  private RegistryClient client;

  @BeforeAll
  static void startRegistry() throws IOException {
    assumeTrue(RegistryServer.available(),
        "needs /usr/bin/docker-registry, openssl and htpasswd (packages docker-registry, apache2-utils)");
    registry = RegistryServer.start(RegistryServer.Mode.TLS_AUTH);
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
    local = LocalImages.open(tmp.resolve("local"));
    client = RegistryClient.open(RegistryConfig.builder().certsDir(registry.certsDir(tmp.resolve("certs.d")))
        .credentials(CredentialStore.at(tmp.resolve("auth.json"))).build());
    client.login(registry.host(), registry.username(), registry.password());
  }

  @AfterEach
  void tearDown() throws IOException {
    try (LocalImages l = local) {
      client.close();
    }
  }

  @Test
  void push_removeLocally_pullBack_sameDigestsAndLayerBytes() throws IOException {
    Image image = local.add("app:1.0", 4, 200_000, 7);
    List<byte[]> exported = new ArrayList<>();
    for (ChainId chain : image.chainIds()) {
      exported.add(local.export(chain));
    }
    ImageName target = ImageName.parse(registry.host() + "/team/app:1.0");
    // A small monolithic limit: the larger layers go up in PATCHed chunks, as big ones would.
    PushResult pushed = client.push(local.images, "app:1.0", target,
        PushOptions.DEFAULTS.withChunking(64 * 1024, 48 * 1024), PushListener.NONE);
    assertEquals(4, pushed.layers(Outcome.UPLOADED));

    local.images.remove("app:1.0", false);
    assertTrue(local.images.images().isEmpty());
    assertTrue(local.layers.layers().isEmpty(), "removing the image released every layer");

    PullResult pulled = client.pull(local.images, target);

    assertEquals(image.id(), pulled.imageId());
    assertEquals(pushed.manifestDigest(), pulled.manifestDigest());
    Image back = local.images.get(registry.host() + "/team/app:1.0");
    assertEquals(image.diffIds(), back.diffIds());
    for (int i = 0; i < exported.size(); i++) {
      assertArrayEquals(exported.get(i), local.export(back.chainIds().get(i)), "layer " + i);
    }
  }

  @Test
  void push_again_andToAnotherRepository_uploadsNothingOrMounts() throws IOException {
    local.add("app:1.0", 2, 50_000, 8);
    ImageName first = ImageName.parse(registry.host() + "/team/one:1");
    PushResult initial = client.push(local.images, "app:1.0", first, PushOptions.DEFAULTS, PushListener.NONE);

    PushResult again = client.push(local.images, "app:1.0", first, PushOptions.DEFAULTS, PushListener.NONE);
    PushResult mounted = client.push(local.images, "app:1.0", ImageName.parse(registry.host() + "/team/two:1"),
        PushOptions.DEFAULTS.withMountFrom("team/one"), PushListener.NONE);

    assertEquals(2, again.layers(Outcome.EXISTS));
    assertEquals(initial.manifestDigest(), again.manifestDigest());
    assertEquals(2, mounted.layers(Outcome.MOUNTED));
    assertEquals(initial.manifestDigest(), mounted.manifestDigest());
  }

  @Test
  void pushRetagOfPulledImage_sameRegistry_uploadsNoLayerByte() throws IOException {
    List<byte[]> tars = PullFixtures.layerTars(3, 100_000);
    TestImage source = TestImage.of(ManifestFormat.DOCKER, tars,
        TestImage.config("amd64", tars.stream().map(Sha256::of).toList()), ForeignGzip::compress);
    registry.raw().push("upstream/app", "1", source);
    String upstream = registry.host() + "/upstream/app:1";
    client.pull(local.images, ImageName.parse(upstream));
    local.images.tag(upstream, "app:retag");
    long uploadsBefore = blobUploadsLogged();
    assertTrue(uploadsBefore >= 4, "the log shows the setup's uploads (" + uploadsBefore + "), so it would show ours");

    PushResult otherRepository = client.push(local.images, "app:retag",
        ImageName.parse(registry.host() + "/team/retag:1"), PushOptions.DEFAULTS, PushListener.NONE);
    PushResult newTag = client.push(local.images, upstream, ImageName.parse(registry.host() + "/upstream/app:2"),
        PushOptions.DEFAULTS, PushListener.NONE);

    assertEquals(3, otherRepository.layers(Outcome.MOUNTED));
    assertEquals(3, newTag.layers(Outcome.EXISTS));
    for (PushResult r : List.of(otherRepository, newTag)) {
      assertEquals(0, r.layers().stream().filter(b -> b.outcome() == Outcome.UPLOADED).mapToLong(BlobPush::size).sum(),
          "layer bytes uploaded to " + r.target());
      assertEquals(source.layerDigests(), r.layers().stream().map(b -> b.digest().toString()).toList());
    }
    assertEquals(0, blobUploadsLogged() - uploadsBefore, "the registry logged no blob upload PUT or PATCH");
    PullResult back = client.pull(local.images, ImageName.parse(registry.host() + "/team/retag:1"));
    assertEquals(otherRepository.manifestDigest(), back.manifestDigest());
  }

  // Distribution logs every request it completed, with its method and URI.
  private static long blobUploadsLogged() throws IOException {
    try (Stream<String> lines = Files.lines(registry.logFile())) {
      return lines.filter(l -> l.contains("response completed") && l.contains("/blobs/uploads/")
          && (l.contains("http.request.method=PUT") || l.contains("http.request.method=PATCH"))).count();
    }
  }
}
