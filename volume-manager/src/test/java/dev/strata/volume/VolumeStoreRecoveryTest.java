package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link VolumeStore#open} makes of what a crash, a hand or Docker left in {@code volumes/}. */
class VolumeStoreRecoveryTest {

  @TempDir Path root;
  private VolumeStore store;

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
    Host.cleanUp(root);
  }

  @Test
  void open_leftoverStagingAndTrash_sweepsThem() throws IOException {
    Path volumes = Files.createDirectories(root.resolve("volumes"));
    Path staging = Files.createDirectories(volumes.resolve(".staging-x/_data"));
    Files.writeString(staging.resolve("half"), "created");
    Path trash = Files.createDirectories(volumes.resolve(".trash-y/_data/sub"));
    Files.writeString(trash.resolve("f"), "removed");

    store = VolumeStore.open(root);

    assertFalse(Files.exists(volumes.resolve(".staging-x")));
    assertFalse(Files.exists(volumes.resolve(".trash-y")));
    assertEquals(List.of(), store.list(VolumeFilter.all()));
  }

  @Test
  void open_directoryWithDataButNoMetadata_isListedAsLocalVolume() throws IOException {
    Path data = Files.createDirectories(root.resolve("volumes/from-docker/_data"));
    Files.writeString(data.resolve("f"), "docker wrote this");

    store = VolumeStore.open(root);

    List<Volume> all = store.list(VolumeFilter.all());
    assertEquals(1, all.size());
    Volume v = all.get(0);
    assertEquals("from-docker", v.name());
    assertEquals("local", v.driver());
    assertEquals(data, v.mountpoint());
    assertEquals(Map.of(), v.options());
    assertEquals(Map.of(), v.labels());
    assertEquals(Set.of(), v.references());
    assertEquals(List.of("from-docker"), store.list(VolumeFilter.parse(List.of("driver=local"))).stream()
        .map(Volume::name).toList());
  }

  @Test
  void open_handMadeVolume_canBeReferencedAndRemoved() throws IOException {
    Files.createDirectories(root.resolve("volumes/by-hand/_data"));
    store = VolumeStore.open(root);

    store.acquire("by-hand", "c1");
    assertEquals(Set.of("c1"), store.get("by-hand").references());
    store.release("by-hand", "c1");
    store.remove("by-hand", false);

    assertFalse(Files.exists(root.resolve("volumes/by-hand")));
  }

  @Test
  void open_handMadeVolume_createWithSameNameReturnsIt() throws IOException {
    Files.createDirectories(root.resolve("volumes/by-hand/_data"));
    store = VolumeStore.open(root);

    Volume v = store.create(new VolumeSpec(Optional.of("by-hand"), "local", Map.of(), Map.of()));

    assertEquals(store.get("by-hand"), v);
  }

  @Test
  void open_directoriesThatAreNotVolumes_areIgnored() throws IOException {
    Files.createDirectories(root.resolve("volumes/empty-dir"));
    Files.writeString(Files.createDirectories(root.resolve("volumes")).resolve("stray-file"), "x");
    Files.createDirectories(root.resolve("volumes/.hidden/_data"));

    store = VolumeStore.open(root);

    assertEquals(List.of(), store.list(VolumeFilter.all()));
    assertTrue(Files.exists(root.resolve("volumes/empty-dir")));
  }
}
