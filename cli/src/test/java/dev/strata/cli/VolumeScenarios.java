package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The volume operations the crash tests interrupt: volume create, volume rm, and the first mount
 * of a container, which populates its volume from the image; each on a root holding {@link
 * AppImage}.
 */
final class VolumeScenarios {

  /** The one file of the app image's {@code /opt}, which a volume on {@code /opt} is populated with. */
  private static final String POPULATED = "new";
  private static final String POPULATED_CONTENT = "only this in /opt\n";

  private VolumeScenarios() {}

  static CrashScenario volumeCreate(Path appArchive) {
    return new AppScenario(appArchive, "volume create", "created", "volume", "create", "--label", "k=v", "v1") {
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

  static CrashScenario volumeRm(Path appArchive) {
    return new AppScenario(appArchive, "volume rm", "removed", "volume", "rm", "v1") {
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

  /**
   * The first mount of a container whose volume takes the image's {@code /opt}: the volume is
   * populated from the image, one step at a time ({@code COPYING}, {@code MOVING}, {@code DONE}).
   * Whatever the interruption left, the volume holds the image's file whole or nothing of it, and
   * the next mount leaves it whole.
   */
  static CrashScenario mountPopulating(Path appArchive) {
    return new AppScenario(appArchive, "mount", "mounted, populated", "mount", "c3") {
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

  private static List<String> list(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
