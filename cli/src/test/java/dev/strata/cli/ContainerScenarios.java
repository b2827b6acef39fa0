package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The container operations the crash tests interrupt: commit, rm and create with volumes, each on
 * a root holding {@link AppImage}. Container writes are a few MB, so an interruption can land
 * while they are copied or hashed, not only around them.
 */
final class ContainerScenarios {

  private ContainerScenarios() {}

  static CrashScenario commit(Path appArchive) {
    return new WrittenContainer(appArchive, "commit", "committed", 6, 1024 * 1024, List.of(),
        "commit", "c1", "test/app:2.0") {
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

  static CrashScenario rm(Path appArchive) {
    return new WrittenContainer(appArchive, "rm", "removed", 4, 512 * 1024, List.of("-v", "data:/data"),
        "rm", "-v", "c1") {
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

  static CrashScenario createWithVolumes(Path appArchive) {
    return new AppScenario(appArchive, "create -v", "created", "create", "--name", "c2", "-v", "data:/data", "-v", "/anon", AppImage.TAG) {
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
   * A scenario on container {@code c1}, created on the app image with options and given random
   * files in its /data2 (and a changed /etc/motd) through a mount; its diff is kept to compare
   * after the interruption.
   */
  private abstract static class WrittenContainer extends AppScenario {
    private final int files;
    private final int size;
    private final List<String> options;
    /** The container's diff once prepared. */
    List<String> diff;

    WrittenContainer(Path appArchive, String name, String done, int files, int size, List<String> options,
        String... command) {
      super(appArchive, name, done, command);
      this.files = files;
      this.size = size;
      this.options = options;
    }

    @Override
    public void prepare(ListedRoot s) throws IOException {
      super.prepare(s);
      List<String> create = new ArrayList<>(List.of("create", "--name", "c1"));
      create.addAll(options);
      create.add(AppImage.TAG);
      s.ok(create.toArray(String[]::new));
      Path rootfs = Path.of(s.ok("mount", "c1").lastLine());
      Path dir = Files.createDirectories(rootfs.resolve("data2"));
      Random random = new Random(11);
      for (int i = 0; i < files; i++) {
        Files.write(dir.resolve("f" + i), CrashScenarios.bytes(random, size));
      }
      Files.writeString(rootfs.resolve("etc/motd"), "changed in the container\n");
      s.ok("umount", "c1");
      diff = s.diff("c1");
    }
  }
}
