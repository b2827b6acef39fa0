package dev.strata.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.LayerId;
import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SharedLoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's containerd with Strata as its proxy snapshotter, on each driver: an image Docker built
 * and saved is imported and unpacked by containerd into Strata's snapshots, shows the tree {@code
 * docker export} shows, runs under runc, and survives restarts of either side.
 */
class ContainerdSnapshotterTest {

  /** Whiteouts of a file and a directory, an opaque directory, hardlinks, symlinks, a FIFO, modes. */
  private static final String DOCKERFILE = """
      FROM scratch
      COPY busybox /bin/busybox
      RUN ["/bin/busybox","--install","-s","/bin"]
      RUN mkdir -p /etc /data/gone /data/opaque/sub /home/user && echo containerd > /etc/interop \\
       && echo g > /data/gone/f && echo o > /data/opaque/sub/o && echo f > /data/file-gone \\
       && echo t > /data/target && mkfifo /data/fifo && echo s > /data/setuid && chmod 4755 /data/setuid \\
       && chown 1000:1000 /home/user
      RUN rm -rf /data/gone /data/file-gone /data/opaque && mkdir -p /data/opaque/new \\
       && echo n > /data/opaque/new/f && ln /data/target /data/hard && ln -s ../data/target /data/sym \\
       && touch -d '2020-01-02 03:04:05' /data/target
      """;

  private static DockerEngine docker;
  private static String image;
  private static ComparableRootfs exported;
  @TempDir static Path archives;

  @RegisterExtension final SharedLoopFilesystem btrfs = SharedLoopFilesystem.of(LoopFilesystem::btrfs);
  @TempDir Path dir;

  @BeforeAll
  static void buildImage() throws IOException {
    docker = DockerEngine.connect();
    image = docker.build("containerd", DOCKERFILE);
    docker.save(image, archives.resolve("image.tar"));
    exported = docker.exportTree(image);
  }

  @AfterAll
  static void removeImage() {
    if (docker != null) {
      docker.close();
    }
  }

  private ContainerdRig start(String driver) throws IOException {
    Path home = driver.equals("btrfs") ? btrfs.get().mirror(dir).resolve("home") : dir.resolve("home");
    return ContainerdRig.start(driver, home, dir.resolve("rig"));
  }

  /** containerd's name for the imported image: Docker's tag under docker.io. */
  private static String ref() {
    return "docker.io/" + image;
  }

  private static void importImage(ContainerdDaemon containerd) throws IOException {
    String out = containerd.ctrOk("images", "import", "--snapshotter", ContainerdDaemon.SNAPSHOTTER,
        archives.resolve("image.tar").toString());
    assertTrue(out.contains("unpacking " + ref()), out);
  }

  private static List<String[]> snapshots(ContainerdDaemon containerd) throws IOException {
    List<String[]> rows = new ArrayList<>();
    String[] lines = containerd.ctrOk("snapshots", "--snapshotter", ContainerdDaemon.SNAPSHOTTER, "ls").split("\n");
    for (int i = 1; i < lines.length; i++) {
      rows.add(lines[i].trim().split("\\s+"));
    }
    return rows;
  }

  /** The committed snapshot of the image's top layer: the one no snapshot has as parent. */
  private static String top(ContainerdDaemon containerd) throws IOException {
    List<String[]> rows = snapshots(containerd);
    Set<String> parents = new HashSet<>();
    for (String[] row : rows) {
      if (row.length == 3) {
        parents.add(row[1]);
      }
    }
    return rows.stream().filter(r -> r[r.length - 1].equals("Committed") && !parents.contains(r[0]))
        .map(r -> r[0]).findFirst().orElseThrow(() -> new AssertionError("no top snapshot"));
  }

  private static ContainerdDaemon.Result run(ContainerdDaemon containerd, String id) throws IOException {
    return containerd.ctr(List.of("run", "--snapshotter", ContainerdDaemon.SNAPSHOTTER, "--rm", ref(), id,
        "sh", "-c", "echo hello > /out.txt; cat /out.txt /etc/interop; exit 3"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void run_imageUnpackedIntoStrata_printsAndExitsWithScriptStatus(String driver) throws IOException {
    try (ContainerdRig rig = start(driver)) {
      importImage(rig.containerd());
      ContainerdDaemon.Result r = run(rig.containerd(), "run-" + driver);
      assertEquals(3, r.exit(), r.err());
      assertEquals("hello\ncontainerd\n", r.out());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void prepare_onImportedImage_mountShowsDockerExport(String driver) throws IOException {
    try (ContainerdRig rig = start(driver)) {
      ContainerdDaemon containerd = rig.containerd();
      importImage(containerd);
      String s = ContainerdDaemon.SNAPSHOTTER;
      // prepare, not view: ctr labels what it prepares as a GC root and leaves a view to the collector.
      containerd.ctrOk("snapshots", "--snapshotter", s, "prepare", "tree-view", top(containerd));
      Path target = Files.createDirectories(dir.resolve("rig/view"));
      String mount = containerd.ctrOk("snapshots", "--snapshotter", s, "mounts", target.toString(), "tree-view");
      ContainerdDaemon.sh(mount);
      ComparableRootfs viewed;
      try {
        viewed = ComparableRootfs.fromDirectory(target);
      } finally {
        ContainerdDaemon.sh("umount " + target);
      }
      assertEquals(List.of(), exported.differencesFrom(viewed));
      containerd.ctrOk("snapshots", "--snapshotter", s, "rm", "tree-view");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void snapshotsCommands_onImportedImage_infoLabelUsageRemove(String driver) throws IOException {
    try (ContainerdRig rig = start(driver)) {
      ContainerdDaemon containerd = rig.containerd();
      importImage(containerd);
      String s = ContainerdDaemon.SNAPSHOTTER;
      List<String[]> rows = snapshots(containerd);
      assertEquals(4, rows.size(), "one committed snapshot per layer");
      String top = top(containerd);
      String info = containerd.ctrOk("snapshots", "--snapshotter", s, "info", top);
      assertTrue(info.contains("\"Kind\": \"Committed\""), info);
      containerd.ctrOk("snapshots", "--snapshotter", s, "prepare", "scratch", top);
      containerd.ctrOk("snapshots", "--snapshotter", s, "label", "scratch", "strata.test/color=blue");
      String labelled = containerd.ctrOk("snapshots", "--snapshotter", s, "info", "scratch");
      assertTrue(labelled.contains("\"strata.test/color\": \"blue\""), labelled);
      assertTrue(labelled.contains("\"Kind\": \"Active\""), labelled);
      String usage = containerd.ctrOk("snapshots", "--snapshotter", s, "usage", top);
      assertTrue(usage.contains(top), usage);
      ContainerdDaemon.Result refused = containerd.ctr(List.of("snapshots", "--snapshotter", s, "rm", top));
      assertNotEquals(0, refused.exit(), "a snapshot with a child is removed: " + refused.out());
      containerd.ctrOk("snapshots", "--snapshotter", s, "rm", "scratch");
      assertEquals(4, snapshots(containerd).size());
      awaitLayerCount(rig, 4);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void restart_ofContainerdThenOfSnapshotter_snapshotsStayAndContainersRun(String driver) throws IOException {
    try (ContainerdRig rig = start(driver)) {
      importImage(rig.containerd());
      List<String> before = keys(rig.containerd());
      rig.containerd().restart();
      assertEquals(before, keys(rig.containerd()));
      ContainerdDaemon.Result r = run(rig.containerd(), "after-containerd-" + driver);
      assertEquals(3, r.exit(), r.err());
      rig.restartSnapshotter();
      assertEquals(before, keys(rig.containerd()));
      r = run(rig.containerd(), "after-snapshotter-" + driver);
      assertEquals(3, r.exit(), r.err());
      assertEquals("hello\ncontainerd\n", r.out());
    }
  }

  private static List<String> keys(ContainerdDaemon containerd) throws IOException {
    return snapshots(containerd).stream().map(r -> r[0]).sorted().toList();
  }

  /**
   * containerd's Remove drops its own record at once and removes the snapshotter's snapshot in its
   * next garbage collection, so the layer count is awaited, with a generous deadline.
   */
  private static void awaitLayerCount(ContainerdRig rig, int expected) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (rig.driver().layers().size() != expected) {
      if (Instant.now().isAfter(deadline)) {
        Set<LayerId> left = rig.driver().layers();
        assertEquals(expected, left.size(), () -> "layers left: " + left);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }
}
