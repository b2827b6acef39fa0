package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.files.FileTrees;
import dev.strata.files.MountTable;
import dev.strata.posix.MountCalls;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eight {@code strata} processes at once on one root, for a minute per driver: loads of a shared
 * archive and of each worker's own (sharing its base layer), create with volumes, mount, umount,
 * rm, rmi, tag, volume create, rm and prune, check, listings. Every process must exit 0, or with
 * the clear refusal its command gives while others work (a check, a second prune); afterwards
 * {@code check} is clean, every container has its image, and containers, mounts, volumes, images
 * and layers are exactly what the workers' own bookkeeping says. {@code -Dstrata.soak=true} runs
 * ten minutes per driver; {@code -Dstrata.processes.seed=N} replays one run.
 */
class ManyProcessesTest {

  private static final int WORKERS = 8;
  private static final Duration RUN = Duration.ofSeconds(
      Long.getLong("strata.processes.seconds", Boolean.getBoolean("strata.soak") ? 600 : 60));
  private static final long SEED = Long.getLong("strata.processes.seed", System.nanoTime());
  private static final String SHARED = "shared/app:1";

  private Path scratch;
  private LoopFilesystem loop;

  @BeforeEach
  void scratch() throws IOException {
    scratch = Files.createTempDirectory("strata-processes-");
  }

  @AfterEach
  void cleanUp() throws IOException {
    // A failed run may leave containers mounted; their views go before anything is deleted.
    List<Path> mounted = new ArrayList<>(MountTable.self().mountPointsUnder(scratch));
    if (loop != null) {
      mounted.addAll(MountTable.self().mountPointsUnder(loop.root()));
    }
    Collections.reverse(mounted);
    for (Path p : mounted) {
      if (loop == null || !p.equals(loop.root())) {
        new MountCalls().umount(p, MountCalls.MNT_DETACH);
      }
    }
    if (loop != null) {
      loop.close();
    }
    FileTrees.delete(scratch);
  }

  @ParameterizedTest
  @ValueSource(strings = {"vfs", "overlay2", "btrfs"})
  void eightProcessesForAMinute_leaveACleanStoreWithExactCounts(String driver) throws Exception {
    Path root;
    if (driver.equals("btrfs")) {
      loop = LoopFilesystem.btrfs();
      root = loop.mirror(scratch.resolve("root"));
    } else {
      root = scratch.resolve("root");
    }
    Path shared = new ArchiveBuilder(Form.LEGACY).image(SampleImage.twoLayers(SHARED)).writeTar(scratch.resolve("shared.tar"));
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < WORKERS; i++) {
      Path own = new ArchiveBuilder(Form.LEGACY).image(SampleImage.of(
          List.of(SampleLayers.base(), SampleLayers.single("worker " + i)), "worker " + i, Worker.ownTag(i)))
          .writeTar(scratch.resolve("own-" + i + ".tar"));
      workers.add(new Worker(i, new Random(SEED + i), root, driver, shared, own, scratch.resolve("logs-" + i)));
    }
    System.out.println("many processes on " + driver + ": seed " + SEED + " (replay with -Dstrata.processes.seed="
        + SEED + ")");
    long deadline = System.nanoTime() + RUN.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<Void>> running = new ArrayList<>();
      for (Worker w : workers) {
        running.add(pool.submit(() -> w.runUntil(deadline)));
      }
      for (Future<Void> f : running) {
        f.get(RUN.toSeconds() + 600, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> failures = new ArrayList<>();
    int commands = 0;
    Map<String, Integer> busy = new TreeMap<>();
    for (Worker w : workers) {
      failures.addAll(w.failures);
      commands += w.commands;
      w.busy.forEach((k, v) -> busy.merge(k, v, Integer::sum));
    }
    System.out.println("many processes on " + driver + ": " + WORKERS + " workers x " + RUN.toSeconds() + " s, "
        + commands + " commands, refused as busy: " + busy);
    assertEquals(List.of(), failures, "commands that failed other than as busy");

    ListedRoot listed = new ListedRoot(driver, root);
    ListedRoot.Check check = listed.check(false);
    assertEquals(0, check.exit(), check.output());
    assertEquals(List.of(), check.kinds(), check.output());

    Map<String, String> containers = new TreeMap<>();
    Map<String, Integer> mounts = new TreeMap<>();
    List<String> volumes = new ArrayList<>();
    List<String> tags = new ArrayList<>(List.of(SHARED));
    int layers = 2;
    for (Worker w : workers) {
      containers.putAll(w.containers);
      mounts.putAll(w.mounts);
      volumes.addAll(w.volumes);
      tags.addAll(w.tags);
      if (w.ownLoaded) {
        tags.add(Worker.ownTag(w.index));
        layers++;
      }
    }
    assertEquals(containers, new TreeMap<>(listed.containers()), "every container, with its image");
    assertEquals(mounts, new TreeMap<>(listed.containerMounts()), "each container's mount count");
    Collections.sort(volumes);
    assertEquals(volumes, listed.volumes().keySet().stream().sorted().toList());
    Collections.sort(tags);
    assertEquals(tags, listed.images().keySet().stream().sorted().toList());
    assertEquals(layers, listed.layerCount(), "layers: the shared two, and each loaded worker image's own");

    for (String name : containers.keySet()) {
      for (int i = mounts.get(name); i > 0; i--) {
        listed.ok("umount", name);
      }
      listed.ok("rm", name);
    }
  }

  /** One worker: its own containers, volumes and tags, and the commands it ran. */
  private static final class Worker {

    final int index;
    private final Random random;
    private final Path root;
    private final String driver;
    private final Path sharedArchive;
    private final Path ownArchive;
    private final Path logs;
    final List<String> failures = new ArrayList<>();
    final Map<String, Integer> busy = new TreeMap<>();
    final Map<String, String> containers = new TreeMap<>();
    final Map<String, Integer> mounts = new TreeMap<>();
    private final Map<String, String> containerVolume = new TreeMap<>();
    final List<String> volumes = new ArrayList<>();
    final List<String> tags = new ArrayList<>();
    boolean ownLoaded;
    int commands;
    private int serial;

    Worker(int index, Random random, Path root, String driver, Path sharedArchive, Path ownArchive, Path logs) {
      this.index = index;
      this.random = random;
      this.root = root;
      this.driver = driver;
      this.sharedArchive = sharedArchive;
      this.ownArchive = ownArchive;
      this.logs = logs;
    }

    static String ownTag(int i) {
      return "w" + i + "/own:1";
    }

    Void runUntil(long deadline) throws Exception {
      Files.createDirectories(logs);
      // Every worker starts with the shared image: the first loads race each other.
      run("load", "-i", sharedArchive.toString());
      while (System.nanoTime() < deadline && failures.isEmpty()) {
        step();
      }
      return null;
    }

    private void step() throws Exception {
      String me = "w" + index;
      int n = ++serial;
      switch (random.nextInt(13)) {
        case 0 -> run("load", "-i", sharedArchive.toString());
        case 1 -> {
          if (run("load", "-i", ownArchive.toString())) {
            ownLoaded = true;
          }
        }
        case 2, 3 -> {
          String name = me + "-c" + n;
          String image = ownLoaded && random.nextBoolean() ? ownTag(index) : SHARED;
          List<String> args = new ArrayList<>(List.of("create", "--name", name));
          String volume = volumes.isEmpty() || random.nextBoolean() ? null : volumes.get(random.nextInt(volumes.size()));
          if (volume != null) {
            args.addAll(List.of("-v", volume + ":/data"));
          }
          args.add(image);
          if (run(args.toArray(String[]::new))) {
            containers.put(name, image);
            mounts.put(name, 0);
            if (volume != null) {
              containerVolume.put(name, volume);
            }
          }
        }
        case 4 -> pick(containers).ifPresent(c -> {
          if (run("mount", c)) {
            mounts.merge(c, 1, Integer::sum);
          }
        });
        case 5 -> pick(containers).filter(c -> mounts.get(c) > 0).ifPresent(c -> {
          if (run("umount", c)) {
            mounts.merge(c, -1, Integer::sum);
          }
        });
        case 6 -> pick(containers).filter(c -> mounts.get(c) == 0).ifPresent(c -> {
          if (run("rm", c)) {
            containers.remove(c);
            mounts.remove(c);
            containerVolume.remove(c);
          }
        });
        case 7 -> {
          boolean used = containers.containsValue(ownTag(index));
          if (ownLoaded && !used && run("rmi", ownTag(index))) {
            ownLoaded = false;
          }
        }
        case 8 -> {
          String volume = me + "-v" + n;
          if (run("volume", "create", "--label", "owner=" + me, volume)) {
            volumes.add(volume);
          }
        }
        case 9 -> {
          List<String> unused = unusedVolumes();
          if (!unused.isEmpty()) {
            String volume = unused.get(random.nextInt(unused.size()));
            if (run("volume", "rm", volume)) {
              volumes.remove(volume);
            }
          }
        }
        case 10 -> {
          if (runOrBusy("a prune operation is already running", "volume", "prune", "--force", "--all",
              "--filter", "label=owner=" + me)) {
            volumes.removeAll(unusedVolumes());
          }
        }
        case 11 -> runOrBusy("other processes are using the store", "check", "--quick");
        default -> {
          String tag = me + "/tag:" + n;
          if (run("tag", SHARED, tag)) {
            tags.add(tag);
          }
          if (!tags.isEmpty() && random.nextBoolean()) {
            String untag = tags.get(random.nextInt(tags.size()));
            if (run("rmi", untag)) {
              tags.remove(untag);
            }
          }
          run(random.nextBoolean() ? "images" : "ps");
        }
      }
    }

    private List<String> unusedVolumes() {
      List<String> unused = new ArrayList<>(volumes);
      unused.removeAll(containerVolume.values());
      return unused;
    }

    private java.util.Optional<String> pick(Map<String, ?> from) {
      if (from.isEmpty()) {
        return java.util.Optional.empty();
      }
      List<String> names = new ArrayList<>(from.keySet());
      return java.util.Optional.of(names.get(random.nextInt(names.size())));
    }

    /** Runs a command that must succeed; records a failure (and says false) otherwise. */
    private boolean run(String... args) {
      return runOrBusy(null, args);
    }

    /**
     * Runs a command that must succeed, or be refused with exit 5 and {@code busy} in its message
     * (which says false without a failure).
     */
    private boolean runOrBusy(String busyMessage, String... args) {
      commands++;
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto", "-Xmx256m",
          "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
          Main.class.getName(), "--root", root.toString(), "--driver", driver));
      command.addAll(List.of(args));
      Path out = logs.resolve("out");
      Path err = logs.resolve("err");
      try {
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
          p.destroyForcibly().waitFor();
          failures.add("strata " + String.join(" ", args) + " did not finish in 5 minutes");
          return false;
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        if (p.exitValue() == 0) {
          return true;
        }
        if (busyMessage != null && p.exitValue() == ExitCodes.FAILED_PRECONDITION && stderr.contains(busyMessage)) {
          busy.merge(args[0], 1, Integer::sum);
          return false;
        }
        failures.add("worker " + index + ": strata " + String.join(" ", args) + " exited " + p.exitValue() + ": "
            + stderr.strip() + " / " + Files.readString(out, StandardCharsets.UTF_8).strip());
        return false;
      } catch (IOException e) {
        failures.add("worker " + index + ": strata " + String.join(" ", args) + " could not run: " + e);
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add("worker " + index + " interrupted");
        return false;
      }
    }
  }
}
