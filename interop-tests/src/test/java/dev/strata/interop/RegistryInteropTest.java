package dev.strata.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.model.Container;
import dev.strata.registry.RegistryServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images through a real registry ({@code docker-registry} on {@code 127.0.0.1}, plain HTTP, which
 * Docker treats as insecure without configuration): what {@code docker push} sends, {@code strata
 * pull} gets with Docker's image id, DiffIDs and tree; what {@code strata push} sends, {@code docker
 * pull} gets the same way. zstd layers need Docker 23 (moby#41759): an older engine fails the pull.
 */
class RegistryInteropTest {

  private static final String DRIVER = "vfs";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** {@link Dockerfiles#REGISTRY} has five: the stamp, busybox, its links, the files, the whiteout. */
  private static final int LAYERS = 5;
  private static final String GZIP_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  private static final String ZSTD_LAYER = "application/vnd.oci.image.layer.v1.tar+zstd";

  private static DockerEngine docker;
  private static RegistryServer registry;

  @BeforeAll
  static void startRegistry() throws IOException {
    docker = DockerEngine.connect();
    Assumptions.assumeTrue(RegistryServer.available(), "needs docker-registry, openssl and htpasswd");
    registry = RegistryServer.start(RegistryServer.Mode.PLAIN);
  }

  @AfterAll
  static void removeEverything() throws IOException {
    String host = registry == null ? "no registry" : registry.host();
    try (RegistryServer r = registry) {
      if (docker != null) {
        docker.close();
      }
    }
    if (registry != null) {
      assertFalse(registry.process().isAlive(), "the registry outlived close()");
    }
    if (docker != null) {
      assertEquals(List.of(), leftInDocker(host));
    }
  }

  @Test
  void strataPull_ofImageDockerPushed_keepsImageIdDiffIdsAndTree(@TempDir Path dir) throws Exception {
    String built = build("from-docker");
    String repository = registry.host() + "/interop/from-docker";
    docker.tag(built, repository, "1");
    docker.push(repository, "1");
    InspectImageResponse dockers = docker.inspect(built);
    ComparableRootfs exported = docker.exportTree(built);

    StrataCli strata = new StrataCli(dir.resolve("strata"), DRIVER);
    strata.run(registryArgs(dir, "pull", repository + ":1"));

    StrataImage pulled = StrataImage.read(strata, repository + ":1");
    assertEquals(dockers.getId(), pulled.id());
    assertEquals(LAYERS, pulled.diffIds().size());
    assertEquals(dockers.getRootFS().getLayers(), pulled.diffIds());
    assertEquals(List.of(), exported.differencesFrom(pulled.tree()));
  }

  @Test
  void dockerPull_ofGzipImageStrataPushed_keepsImageIdDiffIdsAndTree(@TempDir Path dir) throws Exception {
    String repository = registry.host() + "/interop/to-docker-gzip";
    StrataImage pushed = pushedByStrata("gzip", repository, dir);

    Set<String> downloaded = docker.pull(repository, "1");

    assertEquals(Collections.nCopies(LAYERS, GZIP_LAYER), pushedLayerMediaTypes("interop/to-docker-gzip"));
    assertSameImageInDocker(pushed, repository + ":1", downloaded);
  }

  @Test
  void dockerPull_ofZstdImageStrataPushed_sameImageFromDocker23ElseFails(@TempDir Path dir) throws Exception {
    String repository = registry.host() + "/interop/to-docker-zstd";
    StrataImage pushed = pushedByStrata("zstd", repository, dir);
    assertEquals(Collections.nCopies(LAYERS, ZSTD_LAYER), pushedLayerMediaTypes("interop/to-docker-zstd"));

    if (docker.majorVersion() >= 23) {
      assertSameImageInDocker(pushed, repository + ":1", docker.pull(repository, "1"));
    } else {
      // 20.10 takes the zstd media type but unpacks the blob as a plain tar (measured on 20.10.24).
      DockerClientException refused = assertThrows(DockerClientException.class,
          () -> docker.pull(repository, "1"));
      assertTrue(refused.getMessage().contains("failed to register layer"), refused.getMessage());
    }
    // Whatever the engine, the zstd blobs are sound: Strata pulls them back as the same image.
    StrataCli fresh = new StrataCli(dir.resolve("fresh"), DRIVER);
    fresh.run(registryArgs(dir, "pull", repository + ":1"));
    StrataImage pulled = StrataImage.read(fresh, repository + ":1");
    assertEquals(pushed.id(), pulled.id());
    assertEquals(pushed.diffIds(), pulled.diffIds());
    assertEquals(List.of(), pushed.tree().differencesFrom(pulled.tree()));
  }

  /**
   * Builds an image with Docker, moves it to a Strata root through {@code docker save}, removes it
   * from Docker (so that a pull must download and unpack every layer) and {@code strata push}es it
   * as {@code repository:1}.
   */
  private static StrataImage pushedByStrata(String compression, String repository, Path dir)
      throws IOException {
    String built = build("to-docker-" + compression);
    String builtId = docker.inspect(built).getId();
    Path archive = dir.resolve("built.tar");
    docker.save(built, archive);
    docker.removeImage(built);
    StrataCli strata = new StrataCli(dir.resolve("strata"), DRIVER);
    strata.run("load", "-i", archive.toString());
    strata.run("tag", built, repository + ":1");

    strata.run(registryArgs(dir, "push", "--compression", compression, repository + ":1"));

    StrataImage pushed = StrataImage.read(strata, repository + ":1");
    assertEquals(builtId, pushed.id());
    return pushed;
  }

  private static void assertSameImageInDocker(StrataImage pushed, String ref, Set<String> downloaded)
      throws IOException {
    assertEquals(LAYERS, downloaded.size(), "layers Docker pulled: " + downloaded);
    InspectImageResponse dockers = docker.inspect(ref);
    assertEquals(pushed.id(), dockers.getId());
    assertEquals(pushed.diffIds(), dockers.getRootFS().getLayers());
    assertEquals(List.of(), docker.exportTree(ref).differencesFrom(pushed.tree()));
    docker.run(ref, "test \"$(cat /data/sub/two)\" = two && test ! -e /data/gone");
  }

  /** Builds {@link Dockerfiles#REGISTRY} with its own stamp, so it shares no layer with another image. */
  private static String build(String repository) {
    return docker.build(repository, Dockerfiles.REGISTRY, Map.of("stamp", UUID.randomUUID() + "\n"));
  }

  /** {@code COMMAND --insecure-registry HOST --auth-file DIR/auth.json REST...}. */
  private static String[] registryArgs(Path dir, String command, String... rest) {
    return Stream.concat(
        Stream.of(command, "--insecure-registry", registry.host(),
            "--auth-file", dir.resolve("auth.json").toString()),
        Stream.of(rest)).toArray(String[]::new);
  }

  private static List<String> pushedLayerMediaTypes(String repository) throws IOException {
    var request = registry.raw().request("/v2/" + repository + "/manifests/1")
        .header("Accept", "application/vnd.oci.image.manifest.v1+json, "
            + "application/vnd.docker.distribution.manifest.v2+json")
        .build();
    JsonNode manifest = JSON.readTree(registry.raw().send(request).body());
    return manifest.get("layers").findValuesAsText("mediaType");
  }

  /** Tags of this class's registry or builds, and containers of them, still in Docker. */
  private static List<String> leftInDocker(String host) {
    var client = docker.client();
    Stream<String> tags = client.listImagesCmd().withShowAll(true).exec().stream()
        .flatMap(image -> Stream.ofNullable(image.getRepoTags()).flatMap(Stream::of));
    Stream<String> containerImages = client.listContainersCmd().withShowAll(true).exec().stream()
        .map(Container::getImage);
    return Stream.concat(tags, containerImages)
        .filter(name -> name.startsWith(host + "/") || name.startsWith("strata-interop/from-docker")
            || name.startsWith("strata-interop/to-docker"))
        .toList();
  }
}
