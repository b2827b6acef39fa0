package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Digest;
import dev.strata.registry.FakeRegistry;
import dev.strata.registry.ManifestFormat;
import dev.strata.registry.TestImage;
import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.SampleImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The operations {@link CrashInjectionTest} kills. Layers and container writes are a few MB, so a
 * kill can land while they are being applied, hashed or copied, not only around them.
 */
final class CrashScenarios {

  static final String BIG_TAG = "test/big:1.0";
  private static final int BIG_LAYERS = 3;
  private static final int FILES_PER_LAYER = 8;
  private static final int FILE_SIZE = 256 * 1024;

  private final Path bigArchive;
  private final List<byte[]> bigLayers;
  private final byte[] bigConfig;
  private final String bigImageId;

  private CrashScenarios(Path bigArchive, List<byte[]> bigLayers, byte[] bigConfig) {
    this.bigArchive = bigArchive;
    this.bigLayers = bigLayers;
    this.bigConfig = bigConfig;
    this.bigImageId = Digest.sha256Of(bigConfig).toString();
  }

  /** Writes the archives the scenarios load into {@code dir}. */
  static CrashScenarios in(Path dir) throws IOException {
    List<byte[]> layers = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < BIG_LAYERS; i++) {
      int layer = i;
      LayerTarBuilder tar = new LayerTarBuilder().dir("big" + layer, 0755);
      for (int f = 0; f < FILES_PER_LAYER; f++) {
        tar.file("big" + layer + "/f" + f, bytes(random, FILE_SIZE), 0644);
      }
      layers.add(tar.build());
    }
    String ids = layers.stream().map(l -> "\"" + Digest.sha256Of(l) + "\"").collect(Collectors.joining(","));
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\","
        + "\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + ids + "]}}").getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(dir);
    Path archive = new ArchiveBuilder(Form.LEGACY).image(new SampleImage(layers, config, List.of(BIG_TAG)))
        .writeTar(dir.resolve("big.tar"));
    AppImage.dockerArchive(dir.resolve("app.tar"));
    return new CrashScenarios(archive, List.copyOf(layers), config);
  }

  /** What {@link CrashInjectionTest} kills. */
  List<CrashScenario> killed() {
    return List.of(load(), commit(), rm(), rmi(), volumeCreate(), volumeRm(), createWithVolumes());
  }

  /** What {@link PowerCutTest} cuts the power under; {@code registry} serves the pull. */
  List<CrashScenario> cut(FakeRegistry registry, Path authFile) {
    return List.of(load(), pull(registry, authFile), commit(), rm(), rmi(), volumeCreate(), createWithVolumes(),
        mountPopulating());
  }

  CrashScenario load() {
    return new Scenario("load", "loaded", "load", "-i", bigArchive.toString()) {
      @Override
      public String outcome(ListedRoot s) {
        return bigImage(s, BIG_TAG, "loaded", "not loaded");
      }
    };
  }

  /**
   * Pulls the big image from {@code registry} (plain HTTP on 127.0.0.1), which this call fills;
   * the credentials file named is never written, so no user's own is read.
   */
  CrashScenario pull(FakeRegistry registry, Path authFile) {
    registry.put("test/big", "1.0", TestImage.of(ManifestFormat.OCI, bigLayers, bigConfig));
    String ref = registry.host() + "/test/big:1.0";
    return new Scenario("pull", "pulled", "pull", "--insecure-registry", registry.host(), "--auth-file",
        authFile.toString(), ref) {
      @Override
      public String outcome(ListedRoot s) {
        return bigImage(s, ref, "pulled", "not pulled");
      }
    };
  }

  CrashScenario rmi() {
    return new Scenario("rmi", "removed", "rmi", BIG_TAG) {
      @Override
      public void prepare(ListedRoot s) throws IOException {
        super.prepare(s);
        s.ok("load", "-i", bigArchive.toString());
      }

      @Override
      public String outcome(ListedRoot s) {
        return bigImage(s, BIG_TAG, "not removed", "removed");
      }
    };
  }

  CrashScenario commit() {
    return new Scenario("commit", "committed", "commit", "c1", "test/app:2.0") {
      private List<String> diff;

      @Override
      public void prepare(ListedRoot s) throws IOException {
        super.prepare(s);
        s.ok("create", "--name", "c1", AppImage.TAG);
        writeInto(s, "c1", 6, 1024 * 1024);
        diff = s.diff("c1");
      }

      @Override
      public String outcome(ListedRoot s) {
        assertEquals(Map.of("c1", AppImage.TAG), s.containers(), "the container a commit reads is never touched");
        assertEquals(diff, s.diff("c1"));
        ListedRoot.ImageRow committed = s.images().get("test/app:2.0");
        if (committed == null) {
          assertEquals(1, s.images().size(), "no image but the base: " + s.images());
          assertEquals(2, s.layerCount(), "no layer of the commit is left");
          return "no image";
        }
        assertEquals(3, committed.layers());
        assertEquals(3, s.layerCount());
        return "committed";
      }
    };
  }

  CrashScenario rm() {
    return new Scenario("rm", "removed", "rm", "-v", "c1") {
      private List<String> diff;

      @Override
      public void prepare(ListedRoot s) throws IOException {
        super.prepare(s);
        s.ok("create", "--name", "c1", "-v", "data:/data", AppImage.TAG);
        writeInto(s, "c1", 4, 512 * 1024);
        diff = s.diff("c1");
      }

      @Override
      public String outcome(ListedRoot s) {
        Map<String, String> containers = s.containers();
        ListedRoot.VolumeRow data = s.volume("data").orElseThrow(() -> new AssertionError("rm never removes a named volume"));
        if (containers.containsKey("c1")) {
          assertEquals(AppImage.TAG, containers.get("c1"), "the record survives with the container");
          assertEquals(diff, s.diff("c1"));
          assertEquals(1, data.references());
          return "kept";
        }
        assertEquals(Map.of(), containers);
        assertEquals(0, data.references(), "a removed container holds no volume");
        assertEquals(2, s.layerCount());
        return "removed";
      }
    };
  }

  CrashScenario volumeCreate() {
    return new Scenario("volume create", "created", "volume", "create", "--label", "k=v", "v1") {
      @Override
      public String outcome(ListedRoot s) {
        var v = s.volume("v1");
        if (v.isPresent()) {
          assertTrue(Files.isDirectory(v.get().mountpoint()), "a listed volume has its _data: " + v.get());
          assertEquals(0, v.get().references());
          return "created";
        }
        assertEquals(Map.of(), s.volumes());
        return "not created";
      }
    };
  }

  CrashScenario volumeRm() {
    return new Scenario("volume rm", "removed", "volume", "rm", "v1") {
      private static final int FILES = 200;

      @Override
      public void prepare(ListedRoot s) throws IOException {
        super.prepare(s);
        s.ok("volume", "create", "v1");
        Path data = s.volume("v1").orElseThrow().mountpoint();
        for (int i = 0; i < FILES; i++) {
          Files.writeString(data.resolve("f" + i), content(i));
        }
      }

      @Override
      public String outcome(ListedRoot s) throws IOException {
        var v = s.volume("v1");
        if (v.isEmpty()) {
          assertEquals(Map.of(), s.volumes());
          return "removed";
        }
        Path data = v.get().mountpoint();
        for (int i = 0; i < FILES; i++) {
          assertEquals(content(i), Files.readString(data.resolve("f" + i)), "volume rm loses no data it keeps");
        }
        return "kept";
      }

      private String content(int i) {
        return ("file " + i + "\n").repeat(2000);
      }
    };
  }

  CrashScenario createWithVolumes() {
    return new Scenario("create -v", "created", "create", "--name", "c2", "-v", "data:/data", "-v", "/anon", AppImage.TAG) {
      @Override
      public String outcome(ListedRoot s) throws IOException {
        Map<String, String> containers = s.containers();
        Map<String, ListedRoot.VolumeRow> volumes = s.volumes();
        if (containers.containsKey("c2")) {
          assertEquals(Map.of("c2", AppImage.TAG), containers);
          assertEquals(2, volumes.size(), "the named and the anonymous volume: " + volumes);
          volumes.values().forEach(v -> assertEquals(1, v.references(), volumes.toString()));
          try {
            AppImage.assertRootfs(Path.of(s.ok("mount", "c2").lastLine()));
          } finally {
            s.ok("umount", "c2");
          }
          return "created";
        }
        assertEquals(Map.of(), containers);
        volumes.values().forEach(v -> assertEquals(0, v.references(), "no reference by a container that is not there"));
        return volumes.isEmpty() ? "not created" : "not created, volumes " + volumes.keySet().stream()
            .map(n -> n.equals("data") ? "data" : "anonymous").sorted().toList();
      }
    };
  }

  /**
   * The first mount of a container whose volume takes the image's {@code /opt}: the volume is
   * populated from the image, one step at a time ({@code COPYING}, {@code MOVING}, {@code DONE}).
   * Whatever the interruption left, the volume holds the image's file whole or nothing of it, and
   * the next mount leaves it whole.
   */
  CrashScenario mountPopulating() {
    return new Scenario("mount", "mounted, populated", "mount", "c3") {
      @Override
      public void prepare(ListedRoot s) throws IOException {
        super.prepare(s);
        s.ok("create", "--name", "c3", "-v", "data:/opt", AppImage.TAG);
      }

      @Override
      public String outcome(ListedRoot s) throws IOException {
        assertEquals(Map.of("c3", AppImage.TAG), s.containers());
        int mounts = s.mounts("c3");
        ListedRoot.VolumeRow data = s.volume("data").orElseThrow(() -> new AssertionError("the volume stays"));
        assertEquals(1, data.references());
        boolean populated = Files.exists(data.mountpoint().resolve(POPULATED));
        if (populated) {
          assertEquals(POPULATED_CONTENT, Files.readString(data.mountpoint().resolve(POPULATED)), "the populated file");
        }
        Path rootfs = Path.of(s.ok("mount", "c3").lastLine());
        try {
          assertEquals(List.of(POPULATED), list(data.mountpoint()), "the next mount leaves the volume populated");
          assertEquals(POPULATED_CONTENT, Files.readString(data.mountpoint().resolve(POPULATED)));
          assertEquals(POPULATED_CONTENT, Files.readString(rootfs.resolve("opt").resolve(POPULATED)));
        } finally {
          for (int i = 0; i <= mounts; i++) {
            s.ok("umount", "c3");
          }
        }
        assertEquals(0, s.mounts("c3"));
        return (mounts > 0 ? "mounted" : "not mounted") + (populated ? ", populated" : "");
      }
    };
  }

  private static final String POPULATED = "new";
  private static final String POPULATED_CONTENT = "only this in /opt\n";

  private static List<String> list(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private String bigImage(ListedRoot s, String tag, String present, String absent) {
    Map<String, ListedRoot.ImageRow> images = s.images();
    ListedRoot.ImageRow big = images.get(tag);
    if (big == null) {
      assertEquals(List.of(AppImage.TAG), List.copyOf(images.keySet()), "no image but the base");
      assertEquals(2, s.layerCount(), "no layer of " + tag + " is left");
      return absent;
    }
    assertEquals(bigImageId, big.id());
    assertEquals(BIG_LAYERS, big.layers());
    assertEquals(2 + BIG_LAYERS, s.layerCount());
    return present;
  }

  /** Writes {@code files} random files into the container's /data2 through a mount, then unmounts. */
  private static void writeInto(ListedRoot s, String container, int files, int size) throws IOException {
    Path rootfs = Path.of(s.ok("mount", container).lastLine());
    Path dir = Files.createDirectories(rootfs.resolve("data2"));
    Random random = new Random(11);
    for (int i = 0; i < files; i++) {
      Files.write(dir.resolve("f" + i), bytes(random, size));
    }
    Files.writeString(rootfs.resolve("etc/motd"), "changed in the container\n");
    s.ok("umount", container);
  }

  private static byte[] bytes(Random random, int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  /** Loads the base image into every root; subclasses add to it. */
  private abstract class Scenario implements CrashScenario {
    private final String name;
    private final String done;
    private final String[] command;

    Scenario(String name, String done, String... command) {
      this.name = name;
      this.done = done;
      this.command = command;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String done() {
      return done;
    }

    @Override
    public String[] command() {
      return Arrays.copyOf(command, command.length);
    }

    @Override
    public void prepare(ListedRoot s) throws IOException {
      s.ok("load", "-i", bigArchive.resolveSibling("app.tar").toString());
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
