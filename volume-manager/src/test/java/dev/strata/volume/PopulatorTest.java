package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of {@link Populator}'s steps on disk. A power cut after {@code MOVING} or {@code DONE}
 * is recorded keeps only what was flushed before: without the flushes, a volume populated on
 * ext4 came back after a cut with its files zero-filled and marked done, never to be copied again.
 */
class PopulatorTest {

  @TempDir Path root;

  @Test
  void populate_flushesEachStepsFilesBeforeRecordingTheNextStep() throws IOException {
    Path source = Files.createDirectory(root.resolve("image-dir"));
    Files.writeString(source.resolve("a.txt"), "alpha");
    Path data = Files.createDirectory(root.resolve("_data"));
    List<String> events = new ArrayList<>();
    Populator.Copier real = Wiring.copier(root);
    Populator.Copier recording = new Populator.Copier() {
      @Override
      public void copyInto(Path sourceDir, Path existingDir) throws IOException {
        real.copyInto(sourceDir, existingDir);
        events.add("copy into " + root.relativize(existingDir));
      }

      @Override
      public void copyAttributes(Path from, Path target) throws IOException {
        real.copyAttributes(from, target);
      }

      @Override
      public void sync(Path dir) throws IOException {
        real.sync(dir);
        events.add("sync " + root.relativize(dir) + " holding " + names(data));
      }
    };
    Populator.Progress progress = new Populator.Progress() {
      private VolumeState.Populate step = VolumeState.Populate.NONE;

      @Override
      public VolumeState.Populate get() {
        return step;
      }

      @Override
      public void set(VolumeState.Populate next) {
        step = next;
        events.add("record " + next);
      }
    };

    new Populator(recording).populate(data, source, progress);

    assertEquals(List.of("record COPYING", "copy into _data/.strata-populate",
        "sync _data/.strata-populate holding [.strata-populate]", "record MOVING",
        "sync _data holding [a.txt]", "record DONE"), events);
    assertEquals("alpha", Files.readString(data.resolve("a.txt")));
  }

  private static List<String> names(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
