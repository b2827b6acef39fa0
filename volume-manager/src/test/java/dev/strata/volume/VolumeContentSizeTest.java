package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.driver.error.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VolumeStore#contentSize}: counted once, again when the last mount ends, kept for every process. */
class VolumeContentSizeTest {

  @TempDir Path root;
  private VolumeStore store;

  @BeforeEach
  void open() throws IOException {
    store = VolumeStore.open(root);
    store.create(new VolumeSpec(Optional.of("vol"), "local", Map.of(), Map.of()));
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    Host.cleanUp(root);
  }

  private Path data() {
    return root.resolve("volumes/vol/_data");
  }

  @Test
  void contentSize_neverCounted_countsRegularFileBytesWithHardlinksOnce() throws IOException {
    Files.write(data().resolve("a"), new byte[1000]);
    Files.createLink(data().resolve("a-link"), data().resolve("a"));
    Files.createDirectories(data().resolve("d/e"));
    Files.write(data().resolve("d/e/b"), new byte[234]);
    Files.createSymbolicLink(data().resolve("s"), Path.of("/etc/passwd"));

    assertEquals(1234, store.contentSize("vol"));
  }

  @Test
  void contentSize_writtenWhileMounted_keepsTheOldFigureUntilTheLastMountEnds() throws IOException {
    assertEquals(0, store.contentSize("vol"));
    store.mount("vol", "m1");
    store.mount("vol", "m2");
    Files.write(data().resolve("f"), new byte[77]);
    assertEquals(0, store.contentSize("vol"));

    store.unmount("vol", "m1");
    assertEquals(0, store.contentSize("vol"), "one mount is still outstanding");

    store.unmount("vol", "m2");
    assertEquals(77, store.contentSize("vol"));
  }

  @Test
  void contentSize_countedAtUnmountByAnotherStore_isReadWithoutCountingAgain() throws IOException {
    try (VolumeStore other = VolumeStore.open(root)) {
      other.mount("vol", "m1");
      Files.write(data().resolve("f"), new byte[4096]);
      other.unmount("vol", "m1");
    }
    // Written behind the store's back: a figure read from size.json cannot see it, a walk would.
    Files.write(data().resolve("unseen"), new byte[5]);

    assertEquals(4096, store.contentSize("vol"));
    assertEquals("4096", Files.readString(root.resolve("volumes/vol/size.json")).replaceAll(".*\"bytes\":(\\d+).*", "$1").strip());
  }

  @Test
  void contentSize_noSuchVolume_throwsNotFound() {
    assertThrows(NotFoundException.class, () -> store.contentSize("missing"));
  }
}
