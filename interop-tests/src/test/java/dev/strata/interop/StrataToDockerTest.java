package dev.strata.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.ChangeLog;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.layer.InitHook;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.testing.ListedNames;
import dev.strata.testing.TreeSnapshot;
import dev.strata.testing.TreeSnapshot.Times;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * Containers changed in Strata: what Strata commits and saves, Docker loads as the same tree, and
 * {@code strata diff} names the same changes {@code docker diff} does after the same commands.
 */
class StrataToDockerTest {

  private static DockerEngine docker;
  private static final StrataRoots roots = new StrataRoots();
  private static String base;
  @TempDir static Path archives;

  @BeforeAll
  static void buildBase() throws IOException {
    docker = DockerEngine.connect();
    base = docker.build("changes-base", Dockerfiles.CHANGES_BASE);
    docker.save(base, archives.resolve("base.tar"));
  }

  @AfterAll
  static void removeImages() throws IOException {
    try (StrataRoots r = roots) {
      if (docker != null) {
        docker.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void save_ofCommittedContainer_loadsIntoDockerAsStrataSeesIt(String driver, @TempDir Path dir)
      throws IOException {
    StrataCli strata = changedContainer(driver, dir);
    String committed = "strata-interop/committed-" + driver + ":" + UUID.randomUUID().toString().substring(0, 12);
    strata.run("commit", "changed", committed);
    strata.run("umount", "changed");
    Path archive = dir.resolve("committed.tar");
    strata.run("save", "-o", archive.toString(), committed);

    docker.load(archive, committed);

    ComparableRootfs dockers = docker.exportTree(committed);
    ComparableRootfs ours = committedTree(strata, committed);
    assertTrue(ours.entries().containsKey("/new-fifo"), "the changes are in the commit");
    assertEquals(List.of(), dockers.differencesFrom(ours));
    assertEquals(new TreeSet<>(ours.entries().keySet()), listedByRunningContainer(committed));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void save_ofNamesNotUtf8MadeInStrata_loadsIntoDockerByteForByte(String driver, @TempDir Path dir)
      throws IOException {
    StrataCli strata = new StrataCli(roots.rootFor(driver, dir), driver);
    strata.run("load", "-i", archives.resolve("base.tar").toString());
    String tag = UUID.randomUUID().toString().substring(0, 12);
    String made = "strata-interop/bytes-made-" + driver + ":" + tag;
    String changed = "strata-interop/bytes-changed-" + driver + ":" + tag;
    StrataCli.runInside(mountedRoot(strata, "maker", base), Dockerfiles.BYTE_NAMES_MAKE);
    strata.run("commit", "maker", made);
    StrataCli.runInside(mountedRoot(strata, "changer", made), Dockerfiles.BYTE_NAMES_CHANGE);
    String diff = strata.run("diff", "changer");
    strata.run("commit", "changer", changed);
    strata.run("umount", "maker");
    strata.run("umount", "changer");
    Path archive = dir.resolve("bytes.tar");
    strata.run("save", "-o", archive.toString(), changed);

    docker.load(archive, changed);

    Path dockers = Files.createDirectory(dir.resolve("docker-export"));
    docker.exportInto(changed, dockers);
    try (LayerStore layers = LayerStore.open(LayerStoreConfig.of(strata.root(), strata.driver()));
        ImageStore images = ImageStore.open(layers)) {
      layers.writeLayers().create("view", images.get(changed).top(), InitHook.none(), Map.of());
      Path ours = layers.writeLayers().mount("view").resolve("data/bytes");
      try {
        Set<String> names = ListedNames.of(ours);
        assertTrue(names.contains("o-caf\u00e9/new-caf\u00e9") && !names.contains("w-caf\u00e9"),
            () -> "the commits hold the names and the changes: " + DockerToStrataTest.printable(names));
        assertEquals(ListedNames.of(dockers.resolve("data/bytes")), names);
        TreeSnapshot.of(ours).assertMatches(TreeSnapshot.of(dockers.resolve("data/bytes")), Times.FILES_TO_SECONDS);
      } finally {
        layers.writeLayers().unmount("view");
        layers.writeLayers().remove("view");
      }
    }
    // strata diff prints each name on one line, bytes that are not UTF-8 as \xNN.
    assertTrue(diff.lines().anyMatch("D /data/bytes/w-invalid-utf8-\\xff\\xfe"::equals), diff);
    assertTrue(diff.lines().anyMatch("A /data/bytes/o-caf\\xe9/new-caf\\xe9"::equals), diff);
  }

  /** Creates container {@code name} of {@code image} and mounts it; its rootfs path is the mount command's last line. */
  private static Path mountedRoot(StrataCli strata, String name, String image) {
    strata.run("create", "--name", name, image);
    return Path.of(strata.run("mount", name).strip().lines().reduce((a, b) -> b).orElseThrow());
  }

  /** Every path a running container of {@code image} finds on its root filesystem, init files left out. */
  private static Set<String> listedByRunningContainer(String image) {
    try (GenericContainer<?> lister = new GenericContainer<>(DockerImageName.parse(image))
        .withNetworkMode("none")
        .withCommand("/bin/sh", "-c", "find / -xdev | sort")
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
      lister.start();
      return lister.getLogs(OutputFrame.OutputType.STDOUT).lines()
          .filter(path -> !path.equals("/") && !ComparableRootfs.excluded(path))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void diff_afterSameCommands_namesWhatDockerDiffNames(String driver, @TempDir Path dir) throws IOException {
    String container = docker.run(base, Dockerfiles.CHANGES);
    Set<String> dockers = new TreeSet<>();
    for (ChangeLog change : docker.diff(container)) {
      // docker-java gives the kind as Docker's number: 0 modified, 1 added, 2 deleted.
      dockers.add("CAD".charAt(change.getKind()) + " " + change.getPath());
    }

    StrataCli strata = changedContainer(driver, dir);
    Set<String> ours = new TreeSet<>(strata.run("diff", "changed").lines().toList());
    strata.run("umount", "changed");

    assertTrue(dockers.contains("D /data/remove-me"), "docker diff saw the script: " + dockers);
    assertEquals(dockers, ours);
  }

  /** A Strata container {@code changed} of the base image, mounted, after {@link Dockerfiles#CHANGES}. */
  private static StrataCli changedContainer(String driver, Path dir) throws IOException {
    StrataCli strata = new StrataCli(roots.rootFor(driver, dir), driver);
    strata.run("load", "-i", archives.resolve("base.tar").toString());
    strata.run("create", "--name", "changed", base);
    // The rootfs path is the command's last line.
    Path mounted = Path.of(strata.run("mount", "changed").strip().lines().reduce((a, b) -> b).orElseThrow());
    StrataCli.runInside(mounted, Dockerfiles.CHANGES);
    return strata;
  }

  /** A fresh container of the committed image, without init files, as Strata mounts it. */
  private static ComparableRootfs committedTree(StrataCli strata, String image) throws IOException {
    try (LayerStore layers = LayerStore.open(LayerStoreConfig.of(strata.root(), strata.driver()));
        ImageStore images = ImageStore.open(layers)) {
      Image committed = images.get(image);
      layers.writeLayers().create("view", committed.top(), InitHook.none(), Map.of());
      Path mounted = layers.writeLayers().mount("view");
      try {
        return ComparableRootfs.fromDirectory(mounted);
      } finally {
        layers.writeLayers().unmount("view");
        layers.writeLayers().remove("view");
      }
    }
  }
}
