package dev.strata.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import dev.strata.volume.VolumeStore;
import dev.strata.volumeplugin.VolumePluginServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker 20.10 using Strata's volume plugin: {@code docker volume create -d <plugin>} makes a
 * Strata volume with the same options {@code strata volume create -o} takes, containers share its
 * data, removal of a volume in use is refused, and the volumes survive a restart of dockerd. The
 * engine is {@link PrivateDockerd}, never the system's; the plugin's socket is the only file it
 * puts outside its directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerVolumePluginTest {

  private static final Path PLUGINS = Path.of("/run/docker/plugins");

  private Path dir;
  private PrivateDockerd engine;
  private VolumeStore volumes;
  private VolumePluginServer plugin;
  private String driver;
  private Path socket;
  private boolean madePluginsDir;
  private final List<String> containers = new ArrayList<>();
  private String image;

  @BeforeAll
  void startEngineAndPlugin(@TempDir Path classDir) throws Exception {
    dir = classDir;
    driver = "strata-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    madePluginsDir = !Files.isDirectory(PLUGINS);
    Files.createDirectories(PLUGINS);
    socket = PLUGINS.resolve(driver + ".sock");
    volumes = VolumeStore.open(dir.resolve("strata"));
    plugin = VolumePluginServer.start(socket, volumes);
    engine = PrivateDockerd.start(Files.createDirectories(dir.resolve("engine")));
    image = DockerVolumePluginImage.importInto(engine, dir.resolve("image"));
  }

  @AfterEach
  void removeContainersAndVolumes() throws Exception {
    for (String id : containers) {
      engine.docker("rm", "-f", id);
    }
    containers.clear();
    for (String name : engine.dockerOk("volume", "ls", "-q").lines().toList()) {
      engine.dockerOk("volume", "rm", name);
    }
    for (Volume v : volumes.list(VolumeFilter.all())) {
      volumes.remove(v.name(), false);
    }
  }

  @AfterAll
  void stopEverything() throws Exception {
    List<Exception> failures = new ArrayList<>();
    for (AutoCloseable c : Arrays.asList(engine, plugin, volumes)) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        failures.add(e);
      }
    }
    if (socket != null) {
      Files.deleteIfExists(socket);
    }
    if (madePluginsDir) {
      Files.deleteIfExists(PLUGINS);
    }
    if (!failures.isEmpty()) {
      AssertionError failure = new AssertionError("cleaning up after the plugin tests failed");
      failures.forEach(failure::addSuppressed);
      throw failure;
    }
  }

  @Test
  void volumeCreate_withOptionsAndLabel_makesStrataVolumeWithTheOptions() throws Exception {
    Path device = Files.createDirectories(dir.resolve("bound"));
    engine.dockerOk("volume", "create", "-d", driver, "-o", "type=none", "-o", "o=bind", "-o", "device=" + device,
        "--label", "a=b", "v1");

    assertEquals(driver + " {\"a\":\"b\"}",
        engine.dockerOk("volume", "inspect", "--format", "{{.Driver}} {{json .Labels}}", "v1"));
    Volume v = volumes.get("v1");
    assertEquals(Map.of("type", "none", "o", "bind", "device", device.toString()), v.options());
    // Docker keeps a plugin volume's labels itself: Create carries none.
    assertEquals(Map.of(), v.labels());
  }

  @Test
  void volumeCreate_withOptionStrataRefuses_showsStrataMessage() throws Exception {
    PrivateDockerd.Result r = engine.docker("volume", "create", "-d", driver, "-o", "colour=red", "v1");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("invalid option: \"colour\" (the local driver takes type, device, o, size)"), r.err());
  }

  @Test
  void run_twoContainersInTurn_shareTheVolumesData() throws Exception {
    Path device = Files.createDirectories(dir.resolve("shared"));
    engine.dockerOk("volume", "create", "-d", driver, "-o", "type=none", "-o", "o=bind", "-o", "device=" + device, "v1");

    engine.dockerOk("run", "--rm", "--network", "none", "-v", "v1:/data", image, "sh", "-c", "echo written > /data/f");
    String read = engine.dockerOk("run", "--rm", "--network", "none", "-v", "v1:/data", image, "cat", "/data/f");

    assertEquals("written", read);
    assertEquals("written\n", Files.readString(device.resolve("f")));
    Volume v = awaitMounts("v1", 0);
    assertEquals(Optional.empty(), PrivateDockerdLeftovers.typeAt(v.mountpoint()));
  }

  @Test
  void run_tmpfsVolume_strataMountsItOncePerContainer() throws Exception {
    engine.dockerOk("volume", "create", "-d", driver, "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=8m", "v1");
    String first = runDetached("v1");
    String second = runDetached("v1");

    Volume v = awaitMounts("v1", 2);
    assertEquals(Optional.of("tmpfs"), PrivateDockerdLeftovers.typeAt(v.mountpoint()));
    engine.dockerOk("rm", "-f", first);
    awaitMounts("v1", 1);
    assertEquals(Optional.of("tmpfs"), PrivateDockerdLeftovers.typeAt(v.mountpoint()), "one container still has it");
    engine.dockerOk("rm", "-f", second);
    awaitMounts("v1", 0);
    assertEquals(Optional.empty(), PrivateDockerdLeftovers.typeAt(v.mountpoint()));
  }

  @Test
  void volumeRm_whileContainerRuns_isRefusedByDockerAndByStrata() throws Exception {
    engine.dockerOk("volume", "create", "-d", driver, "v1");
    String running = runDetached("v1");

    PrivateDockerd.Result docker = engine.docker("volume", "rm", "v1");
    assertNotEquals(0, docker.exit());
    assertTrue(docker.err().contains("volume is in use"), docker.err());
    String mountId = awaitMounts("v1", 1).mounts().iterator().next();
    // Docker's mount keeps the volume from Strata's own removal too.
    IOException strata = assertThrows(IOException.class, () -> volumes.remove("v1", false));
    assertEquals("remove v1: volume has active mounts [" + mountId + "]", strata.getMessage());
    engine.dockerOk("rm", "-f", running);
  }

  @Test
  void volumeRm_ofVolumeStrataReferences_showsStrataMessage() throws Exception {
    engine.dockerOk("volume", "create", "-d", driver, "v1");
    volumes.acquire("v1", "strata-container");
    try {
      PrivateDockerd.Result r = engine.docker("volume", "rm", "v1");
      assertNotEquals(0, r.exit());
      assertTrue(r.err().contains("remove v1: volume is in use - [strata-container]"), r.err());
    } finally {
      volumes.release("v1", "strata-container");
    }
    assertEquals("v1", engine.dockerOk("volume", "ls", "-q", "--filter", "name=v1"), "Docker keeps a volume its driver keeps");
  }

  @Test
  void dockerdRestart_keepsPluginVolumes_andStrataAgreesOnNames() throws Exception {
    engine.dockerOk("volume", "create", "-d", driver, "--label", "a=b", "v1");
    new StrataCli(dir.resolve("strata"), "vfs").run("volume", "create", "made-by-strata");

    engine.restart();

    assertEquals(driver + " v1", engine.dockerOk("volume", "ls", "--filter", "name=v1", "--format", "{{.Driver}} {{.Name}}"));
    assertEquals("{\"a\":\"b\"}", engine.dockerOk("volume", "inspect", "--format", "{{json .Labels}}", "v1"));
    Set<String> docker = new TreeSet<>(engine.dockerOk("volume", "ls", "-q").lines().toList());
    Set<String> strata = new TreeSet<>(new StrataCli(dir.resolve("strata"), "vfs").run("volume", "ls", "-q").lines().toList());
    assertEquals(Set.of("made-by-strata", "v1"), strata);
    assertEquals(strata, docker);
  }

  /**
   * The volume once it holds {@code count} mounts. Docker has called Mount before {@code docker run
   * -d} returns and Unmount before {@code docker rm -f} does; the wait only keeps a slow machine
   * from failing the test, and a count that never comes fails it.
   */
  private Volume awaitMounts(String name, int count) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Volume v = volumes.get(name);
    while (v.mounts().size() != count && System.nanoTime() < deadline) {
      Thread.sleep(50);
      v = volumes.get(name);
    }
    assertEquals(count, v.mounts().size(), v.toString());
    return v;
  }

  private String runDetached(String volume) throws Exception {
    String id = engine.dockerOk("run", "-d", "--network", "none", "-v", volume + ":/data", image, "sleep", "300");
    containers.add(id);
    return id;
  }
}
