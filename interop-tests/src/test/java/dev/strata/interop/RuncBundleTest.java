package dev.strata.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.files.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Containers of Strata run by Debian's runc from {@code strata bundle}: the process writes to its
 * root filesystem (which {@code strata diff} and {@code commit} then see, and Docker loads) and to
 * a named volume that another runc container of the same volume reads.
 */
class RuncBundleTest {

  /** busybox with accounts: root, and app (1000) who is also in group extra (2000). */
  private static final String BASE = """
      FROM scratch
      COPY busybox /bin/busybox
      RUN ["/bin/busybox","--install","-s","/bin"]
      RUN mkdir -p /etc && echo gone > /etc/gone \\
       && printf 'root:x:0:0:root:/root:/bin/sh\\napp:x:1000:1000::/home/app:/bin/sh\\n' > /etc/passwd \\
       && printf 'root:x:0:\\napp:x:1000:\\nextra:x:2000:app\\n' > /etc/group
      CMD ["/bin/sh", "-c", "echo image-cmd"]
      """;

  /** Each container writes its name into the volume and its rootfs, and lists what the volume holds. */
  private static final String WRITE = "set -e; me=$(hostname); echo from-$me > /data/$me.txt; cat /data/*.txt;"
      + " mkdir -p /srv; echo rootfs-$me > /srv/$me; rm -f /etc/gone";

  private static DockerEngine docker;
  private static String base;
  private static String appImage;
  private static final StrataRoots roots = new StrataRoots();
  @TempDir static Path archives;

  @TempDir Path dir;
  private RuncRuntime runc;
  private StrataCli strata;
  private final List<String> containers = new ArrayList<>();
  private final List<String> volumes = new ArrayList<>();

  @BeforeAll
  static void buildImages() throws IOException {
    docker = DockerEngine.connect();
    base = docker.build("runc-base", BASE);
    appImage = docker.build("runc-app", "FROM " + base + "\nUSER app\nWORKDIR /home/app\n");
    docker.save(base, archives.resolve("base.tar"));
    docker.save(appImage, archives.resolve("app.tar"));
  }

  @AfterAll
  static void removeImages() throws IOException {
    try (StrataRoots r = roots) {
      if (docker != null) {
        docker.close();
      }
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (runc != null) {
        runc.close();
      }
    } finally {
      // rm -f unmounts however many bundles mounted each container.
      if (!containers.isEmpty()) {
        List<String> rm = new ArrayList<>(List.of("rm", "-f"));
        rm.addAll(containers);
        strata.run(rm.toArray(String[]::new));
      }
      if (!volumes.isEmpty()) {
        List<String> rm = new ArrayList<>(List.of("volume", "rm"));
        rm.addAll(volumes);
        strata.run(rm.toArray(String[]::new));
      }
    }
    assertEquals(List.of(), MountTable.self().mountPointsUnder(strata.root()), "mounts left behind");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void runcRun_ofTwoBundlesSharingAVolume_seeEachOthersWritesAndCommitLoadsIntoDocker(String driver)
      throws Exception {
    open(driver, "base.tar");
    Path b1 = bundle(create("w1", base, "-v", "shared:/data"), "/bin/sh", "-c", WRITE);
    Path b2 = bundle(create("w2", base, "-v", "shared:/data"), "/bin/sh", "-c", WRITE);
    volumes.add("shared");

    RuncRuntime.Run first = runc.run(b1, id("w1"));
    RuncRuntime.Run second = runc.run(b2, id("w2"));
    RuncRuntime.Run again = runc.run(b1, id("w1-again"));

    assertEquals(new RuncRuntime.Run(0, "from-w1\n", ""), first);
    assertEquals(new RuncRuntime.Run(0, "from-w1\nfrom-w2\n", ""), second);
    assertEquals(new RuncRuntime.Run(0, "from-w1\nfrom-w2\n", ""), again);
    assertEquals(List.of(), runc.list(), "runc run deletes its container when the process exits");
    // Still mounted, the volume inside the root filesystem: its files are not the container's changes.
    assertEquals(List.of("A /data", "C /etc", "D /etc/gone", "A /srv", "A /srv/w1"),
        strata.run("diff", "w1").lines().toList());

    String committed = "strata-interop/runc-" + driver + ":" + UUID.randomUUID().toString().substring(0, 12);
    strata.run("commit", "w1", committed);
    Path archive = dir.resolve("committed.tar");
    strata.run("save", "-o", archive.toString(), committed);
    docker.load(archive, committed);
    Path exported = Files.createDirectory(dir.resolve("docker-export"));
    docker.exportInto(committed, exported);

    assertEquals("rootfs-w1\n", Files.readString(exported.resolve("srv/w1")));
    assertFalse(Files.exists(exported.resolve("etc/gone")), "the removal is committed");
    assertTrue(Files.isDirectory(exported.resolve("data")), "the volume's mount point is in the rootfs");
    try (var inData = Files.list(exported.resolve("data"))) {
      assertEquals(List.of(), inData.toList(), "the volume's files are not");
    }
  }

  @Test
  void runcRun_ofImageWithUserAndEveryMountKind_runsAsTheUserWithTheMountsAsAsked() throws Exception {
    open("overlay2", "app.tar");
    Path host = Files.createDirectories(dir.resolve("host"));
    Files.writeString(host.resolve("host-file"), "from-host\n");
    String script = "id -u; id -g; id -G; pwd; echo $HOSTNAME; cat /h/host-file; echo t > /scratch/t && echo scratch-ok;"
        + " grep -q ' /scratch tmpfs ' /proc/mounts && echo scratch-is-tmpfs;"
        + " awk '$2 ~ /^\\/(h|ro|rw|scratch)$/ { split($4, o, \",\"); print $2, o[1] }' /proc/mounts | sort -u";
    Path b = bundle(create("mounts", appImage, "-v", host + ":/h:ro", "-v", "rovol:/ro:ro", "-v", "rwvol:/rw",
        "--tmpfs", "/scratch:size=1m,mode=1777"), "/bin/sh", "-c", script);
    volumes.addAll(List.of("rovol", "rwvol"));

    RuncRuntime.Run run = runc.run(b, id("mounts"));

    // Each mount shows twice: Strata's own, which runc's recursive bind of the root brings along, and
    // the config's on top; both must agree, so each line is printed once.

    assertEquals(new RuncRuntime.Run(0, String.join("\n", "1000", "1000", "1000 2000", "/home/app", "mounts",
        "from-host", "scratch-ok", "scratch-is-tmpfs", "/h ro", "/ro ro", "/rw rw", "/scratch rw") + "\n", ""), run);
  }

  @Test
  void runcRun_withoutACommand_runsTheImagesCmd() throws Exception {
    open("vfs", "base.tar");
    Path b = bundle(create("plain", base));

    assertEquals(new RuncRuntime.Run(0, "image-cmd\n", ""), runc.run(b, id("plain")));
  }

  private void open(String driver, String archive) throws IOException {
    strata = new StrataCli(roots.rootFor(driver, dir), driver);
    strata.run("load", "-i", archives.resolve(archive).toString());
    runc = RuncRuntime.in(dir);
  }

  private String create(String name, String image, String... options) {
    List<String> line = new ArrayList<>(List.of("create", "--name", name));
    line.addAll(List.of(options));
    line.add(image);
    strata.run(line.toArray(String[]::new));
    containers.add(name);
    return name;
  }

  /** {@code strata bundle name DIR [-- command...]}; returns the bundle directory it printed. */
  private Path bundle(String name, String... command) {
    List<String> line = new ArrayList<>(List.of("bundle", name, dir.resolve("bundles").resolve(name).toString()));
    if (command.length > 0) {
      line.add("--");
      line.addAll(List.of(command));
    }
    String out = strata.run(line.toArray(String[]::new));
    return Path.of(out.strip().lines().reduce((a, b) -> b).orElseThrow());
  }

  /** runc ids are global to the host's cgroups: unique per run, so parallel builds never collide. */
  private static String id(String name) {
    return "strata-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
