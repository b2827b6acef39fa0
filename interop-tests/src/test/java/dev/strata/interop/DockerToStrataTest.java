package dev.strata.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.image.Image;
import dev.strata.image.ImageArchives;
import dev.strata.image.ImageStore;
import dev.strata.layer.InitHook;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.posix.RawNames;
import dev.strata.testing.ListedNames;
import dev.strata.testing.TreeSnapshot;
import dev.strata.testing.TreeSnapshot.Times;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Images Docker built, loaded by Strata from {@code docker save}: every driver must mount the very
 * tree {@code docker export} shows, and Strata's {@code save} must give Docker back the same image.
 */
class DockerToStrataTest {

  private static DockerEngine docker;
  private static final StrataRoots roots = new StrataRoots();
  private static String features;
  private static String tall;
  private static ComparableRootfs featuresTree;
  private static ComparableRootfs tallTree;
  private static String byteNames;
  private static Path byteNamesExport;
  @TempDir static Path archives;

  @BeforeAll
  static void buildImages() throws IOException {
    docker = DockerEngine.connect();
    features = docker.build("features", Dockerfiles.FEATURES);
    tall = docker.build("tall", Dockerfiles.TALL);
    docker.save(features, archives.resolve("features.tar"));
    docker.save(tall, archives.resolve("tall.tar"));
    featuresTree = docker.exportTree(features);
    tallTree = docker.exportTree(tall);
    byteNames = docker.build("byte-names", Dockerfiles.BYTE_NAMES);
    docker.save(byteNames, archives.resolve("byte-names.tar"));
    byteNamesExport = Files.createDirectory(archives.resolve("byte-names-export"));
    docker.exportInto(byteNames, byteNamesExport);
  }

  @AfterAll
  static void removeImages() throws IOException {
    try (StrataRoots r = roots) {
      if (docker != null) {
        docker.close();
      }
    }
  }

  /** The comparisons below mean something only if Docker's side holds every case. */
  @Test
  void export_ofFeaturesImage_holdsEveryCaseCompared() {
    Map<String, ComparableRootfs.Entry> e = featuresTree.entries();
    assertFalse(e.containsKey("/data/gone"));
    assertFalse(e.containsKey("/data/deleted-file"));
    assertFalse(e.containsKey("/data/replaced/sub"));
    assertTrue(e.containsKey("/data/replaced/new/file"));
    assertEquals("/links/cross-layer-hardlink", e.get("/links/lower-target").hardlinkGroup());
    assertEquals("/links/a", e.get("/links/c").hardlinkGroup());
    assertEquals("/links/a", e.get("/links/absolute").linkTarget());
    assertEquals("../data/keep/file", e.get("/links/relative").linkTarget());
    assertEquals("/nowhere/at/all", e.get("/links/dangling").linkTarget());
    assertEquals(ComparableRootfs.Type.FIFO, e.get("/data/fifo").type());
    assertEquals(04755, e.get("/data/setuid").mode());
    assertEquals(02711, e.get("/data/setgid").mode());
    assertEquals(01777, e.get("/data/sticky").mode());
    assertEquals(1000, e.get("/home/user/link").uid());
    assertEquals(1000, e.get("/home/user/dir").gid());
    assertEquals(64L << 20, e.get("/data/sparse").size());
    assertTrue(e.containsKey("/data/" + "n".repeat(255)));
    assertTrue(e.containsKey("/data/naïve-日本語-ü"));
    assertTrue(e.containsKey("/data/répertoire/ßtraße"));
    assertTrue(e.containsKey("/deep" + IntStream.rangeClosed(1, 40).mapToObj(i -> "/d" + i)
        .collect(Collectors.joining()) + "/file"));
    assertEquals(20_000, e.keySet().stream().filter(p -> p.startsWith("/many/")).count());
    assertEquals(Instant.parse("2020-01-02T03:04:05Z").getEpochSecond(), e.get("/data/mtime-file").mtime());
    assertEquals(0600, e.get("/data/mode-file").mode());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void mount_ofFeaturesImage_equalsDockerExport(String driver, @TempDir Path dir) throws IOException {
    assertTrue(featuresTree.size() > 20_000, "export too small: " + featuresTree.size());
    ComparableRootfs mounted = mountedTree(driver, dir, "features.tar", features);
    assertEquals(List.of(), featuresTree.differencesFrom(mounted));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void mount_ofSixtyLayerImage_equalsDockerExport(String driver, @TempDir Path dir) throws IOException {
    ComparableRootfs mounted = mountedTree(driver, dir, "tall.tar", tall);
    assertEquals(List.of(), tallTree.differencesFrom(mounted));
  }

  /** The comparison below means something only if Docker's export holds the bytes themselves. */
  @Test
  void export_ofByteNamesImage_holdsTheNamesAsBytes() throws IOException {
    Set<String> names = ListedNames.of(byteNamesExport.resolve("data/bytes"));
    for (String n : BYTE_NAMES) {
      assertTrue(names.contains("f-" + n) && names.contains("d-" + n + "/" + n) && names.contains("h-" + n)
          && names.contains("o-" + n + "/new-" + n), () -> "export lacks " + RawNames.printable(n) + ": " + printable(names));
      assertFalse(names.contains("w-" + n) || names.contains("o-" + n + "/" + n),
          () -> "export shows what a later layer deleted: " + printable(names));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void mount_ofByteNamesImage_equalsDockerExportByteForByte(String driver, @TempDir Path dir) throws IOException {
    Path dockers = byteNamesExport.resolve("data/bytes");
    try (LayerStore layers = LayerStore.open(LayerStoreConfig.of(roots.rootFor(driver, dir), driver));
        ImageStore images = ImageStore.open(layers)) {
      new ImageArchives(images).load(archives.resolve("byte-names.tar"));
      layers.writeLayers().create("interop", images.get(byteNames).top(), InitHook.none(), Map.of());
      Path mounted = layers.writeLayers().mount("interop");
      try {
        Path ours = mounted.resolve("data/bytes");
        assertEquals(ListedNames.of(dockers), ListedNames.of(ours));
        TreeSnapshot.of(ours).assertMatches(TreeSnapshot.of(dockers), Times.FILES_TO_SECONDS);
      } finally {
        layers.writeLayers().unmount("interop");
        layers.writeLayers().remove("interop");
      }
    }
  }

  @Test
  void save_ofLoadedDockerImage_keepsDiffIdsAndImageId(@TempDir Path dir) throws IOException {
    var before = docker.inspect(features);
    Path resaved = dir.resolve("resaved.tar");
    try (LayerStore layers = LayerStore.open(LayerStoreConfig.of(dir.resolve("strata"), "overlay2"));
        ImageStore images = ImageStore.open(layers)) {
      ImageArchives archivesApi = new ImageArchives(images);
      List<Image> loaded = archivesApi.load(archives.resolve("features.tar"));
      assertEquals(before.getRootFS().getLayers(),
          loaded.get(0).diffIds().stream().map(Object::toString).toList());
      try (OutputStream out = Files.newOutputStream(resaved)) {
        archivesApi.save(List.of(features), out);
      }
    }

    docker.removeImage(features);
    docker.load(resaved, features);

    var after = docker.inspect(features);
    assertEquals(before.getId(), after.getId());
    assertEquals(before.getRootFS().getLayers(), after.getRootFS().getLayers());
  }

  /** The names {@link Dockerfiles#BYTE_NAMES} makes, as raw strings. */
  static final List<String> BYTE_NAMES = List.of("invalid-utf8-\u00ff\u00fe", "lone-\u0080", "caf\u00e9",
      "overlong-\u00c0\u00af", RawNames.ofText("\u00e9t\u00e9"), RawNames.ofText("e\u0301te\u0301"));

  static String printable(Set<String> names) {
    return names.stream().map(RawNames::printable).toList().toString();
  }

  private ComparableRootfs mountedTree(String driver, Path dir, String archive, String tag) throws IOException {
    try (LayerStore layers = LayerStore.open(LayerStoreConfig.of(roots.rootFor(driver, dir), driver));
        ImageStore images = ImageStore.open(layers)) {
      new ImageArchives(images).load(archives.resolve(archive));
      Image image = images.get(tag);
      layers.writeLayers().create("interop", image.top(), InitHook.none(), Map.of());
      Path mounted = layers.writeLayers().mount("interop");
      try {
        return ComparableRootfs.fromDirectory(mounted);
      } finally {
        layers.writeLayers().unmount("interop");
        layers.writeLayers().remove("interop");
      }
    }
  }
}
