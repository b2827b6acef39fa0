package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Mounter;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.posix.FileSync;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.LoopFilesystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed data is durable: a layer's files and tar-split are flushed before the metadata that
 * publishes it, unless {@code durability=none} trades that for speed.
 */
class LayerStoreDurabilityTest {

  @TempDir Path root;

  private static byte[] layerTar() throws IOException {
    return new LayerTarBuilder().dir("etc", 0755).file("etc/hostname", "durable\n", 0644)
        .file("data", "x".repeat(100_000), 0644).build();
  }

  private Path layerDb() {
    return root.resolve("image/vfs/layerdb/sha256");
  }

  private long publishedLayers() throws IOException {
    try (Stream<Path> s = Files.list(layerDb())) {
      return s.count();
    }
  }

  @Test
  void register_syncsContentBeforePublishingMetadata() throws IOException {
    List<String> events = new ArrayList<>();
    Syncer recording = dir -> {
      // At each flush the layer must be fully applied yet not published.
      events.add("sync " + root.relativize(dir).toString().replaceAll("staging-[^/]*|tmp-[^/]*", "<staging>")
          + " published=" + publishedLayers());
    };
    try (LayerStore store = LayerStore.open(LayerStoreConfig.of(root, "vfs"), recording)) {
      Layer layer = store.register(new ByteArrayInputStream(layerTar()), Optional.empty(), Optional.empty());
      assertEquals(2, events.size(), events.toString());
      assertEquals("sync vfs published=0", events.get(0));
      assertTrue(events.get(1).endsWith(" published=0"), events.get(1));
      assertTrue(events.get(1).startsWith("sync image/vfs/layerdb/"), events.get(1));
      assertEquals(1, publishedLayers());
      assertEquals(List.of(layer), store.layers());
    }
  }

  @Test
  void commit_syncsTheNewLayerBeforePublishingIt() throws IOException {
    List<Long> publishedAtSync = new ArrayList<>();
    Syncer recording = dir -> publishedAtSync.add(publishedLayers());
    try (LayerStore store = LayerStore.open(LayerStoreConfig.of(root, "vfs"), recording)) {
      Layer base = store.register(new ByteArrayInputStream(layerTar()), Optional.empty(), Optional.empty());
      store.writeLayers().create("c1", Optional.of(base.chainId()), InitHook.none(), Map.of());
      Path mounted = store.writeLayers().mount("c1");
      Files.writeString(mounted.resolve("new-file"), "committed");
      store.writeLayers().unmount("c1");
      publishedAtSync.clear();
      store.writeLayers().commit("c1");
      assertEquals(List.of(1L, 1L), publishedAtSync, "both flushes happen before the second layer is published");
      assertEquals(2, publishedLayers());
    }
  }

  /** vfs's write layer is a copy of the image: a power cut after an unflushed create left it zero-filled. */
  @Test
  void createWriteLayer_syncsTheInitAndWriteLayersBeforeRecordingThem() throws IOException {
    List<String> atSync = new ArrayList<>();
    Syncer recording = dir -> atSync.add(root.relativize(dir) + ": driver layers=" + count(root.resolve("vfs/dir"))
        + " write layers recorded=" + count(root.resolve("image/vfs/layerdb/mounts")));
    try (LayerStore store = LayerStore.open(LayerStoreConfig.of(root, "vfs"), recording)) {
      Layer base = store.register(new ByteArrayInputStream(layerTar()), Optional.empty(), Optional.empty());
      atSync.clear();

      store.writeLayers().create("c1", Optional.of(base.chainId()), InitHook.dockerLike(), Map.of());

      assertEquals(List.of("vfs: driver layers=3 write layers recorded=0"), atSync);
      assertEquals(1, count(root.resolve("image/vfs/layerdb/mounts")));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static long count(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void open_durabilityNone_skipsTheFlushAndHidesTheOptionFromTheDriver() throws IOException {
    LayerStoreConfig config = new LayerStoreConfig(root, Optional.of("vfs"), Map.of("durability", "none"),
        Mounter.system());
    List<Path> calls = new ArrayList<>();
    Syncer recording = calls::add;
    try (LayerStore store = LayerStore.open(config, Syncer.of(config.storageOptions(), recording))) {
      store.register(new ByteArrayInputStream(layerTar()), Optional.empty(), Optional.empty());
      assertEquals(1, store.layers().size());
    }
    assertEquals(List.of(), calls, "durability=none flushes nothing");
    try (LayerStore store = LayerStore.open(new LayerStoreConfig(root, Optional.of("vfs"), Map.of(), Mounter.system()),
        Syncer.of(Map.of(), recording))) {
      store.register(new ByteArrayInputStream(layerTar()), Optional.empty(), Optional.empty());
    }
    assertEquals(2, calls.size(), "the default flushes the driver home and the layer database: " + calls);
  }

  @Test
  void open_unknownDurability_throwsInvalidArgument() {
    LayerStoreConfig config = new LayerStoreConfig(root, Optional.of("vfs"), Map.of("durability", "maybe"),
        Mounter.system());
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> LayerStore.open(config));
    assertTrue(e.getMessage().contains("durability=maybe"), e.getMessage());
  }

  /**
   * Weak but real: after the default flush, dropping the page cache and re-reading (from disk, not
   * memory) gives the same layer. A write that never reached the disk would come back empty only
   * after a crash, which a test cannot stage; this at least proves the bytes on disk are right.
   */
  @Test
  void register_thenDropCaches_rereadsTheSameContent() throws IOException {
    Path dropCaches = Path.of("/proc/sys/vm/drop_caches");
    Assumptions.assumeTrue(Files.isWritable(dropCaches), "dropping the page cache needs root");
    byte[] tar = layerTar();
    ChainIdAndExport before;
    try (LayerStore store = LayerStore.open(LayerStoreConfig.of(root, "vfs"))) {
      Layer layer = store.register(new ByteArrayInputStream(tar), Optional.empty(), Optional.empty());
      before = new ChainIdAndExport(layer.chainId(), export(store, layer.chainId()));
    }
    Files.writeString(dropCaches, "3");
    try (LayerStore store = LayerStore.open(LayerStoreConfig.of(root, "vfs"))) {
      assertEquals(List.of(before.chainId()), store.layers().stream().map(Layer::chainId).toList());
      assertArrayEquals(before.export(), export(store, before.chainId()));
      assertArrayEquals(tar, before.export(), "the export reproduces the registered tar byte for byte");
    }
  }

  /**
   * The driver leaves its records' flush to the store ({@code DriverConfig.callerSyncs}): a write
   * layer is durable once the store's one {@code syncfs} before its mount record has run, and not
   * before. A real power cut (xfs shut down without its log) just before that flush, after the
   * names were forced to the log as a background journal commit may do: the interrupted
   * container's layers, their records come back empty or whole, are swept on open; the container
   * created before it, synced and published, is whole.
   */
  @Test
  void createWriteLayer_powerCutBeforeItsSync_sweepsItsLayersAndKeepsThePublishedOne() throws IOException {
    try (LoopFilesystem fs = LoopFilesystem.xfs(false)) {
      Path storeRoot = fs.root().resolve("store");
      Path driverMeta = storeRoot.resolve("vfs/meta");
      FileSync flush = new FileSync();
      AtomicBoolean cutNext = new AtomicBoolean();
      Syncer cuttable = dir -> {
        if (cutNext.get()) {
          try (FileChannel meta = FileChannel.open(driverMeta, StandardOpenOption.READ)) {
            meta.force(true);
          }
          fs.cutPower();
          throw new IOException("power cut");
        }
        flush.syncFilesystem(dir);
      };
      LayerStore store = LayerStore.open(LayerStoreConfig.of(storeRoot, "vfs"), cuttable);
      try {
        Layer base = store.register(new ByteArrayInputStream(layerTar()), Optional.empty(), Optional.empty());
        store.writeLayers().create("published", Optional.of(base.chainId()), InitHook.dockerLike(), Map.of());
        cutNext.set(true);
        assertThrows(IOException.class, () -> store.writeLayers().create("cut", Optional.of(base.chainId()),
            InitHook.dockerLike(), Map.of()));
      } finally {
        try {
          store.close();
        } catch (IOException shutDown) {
          // The filesystem answers EIO until it is mounted again; the descriptors are closed regardless.
        }
      }
      fs.remount();

      try (LayerStore reopened = LayerStore.open(LayerStoreConfig.of(storeRoot, "vfs"))) {
        assertEquals(Optional.empty(), reopened.writeLayers().get("cut"));
        WriteLayer published = reopened.writeLayers().get("published").orElseThrow();
        List<String> layerDirs = names(storeRoot.resolve("vfs/dir"));
        assertEquals(3, layerDirs.size(), "the image layer and the published container's two: " + layerDirs);
        assertTrue(layerDirs.containsAll(List.of(published.initId(), published.mountId())), layerDirs.toString());
        assertEquals(layerDirs.stream().map(id -> id + ".properties").sorted().toList(), names(driverMeta));
        assertEquals(List.of(), names(storeRoot.resolve("vfs/staging")));
        Path rootfs = reopened.writeLayers().mount("published");
        assertEquals("x".repeat(100_000), Files.readString(rootfs.resolve("data")));
        reopened.writeLayers().unmount("published");
      }
    }
  }

  private record ChainIdAndExport(ChainId chainId, byte[] export) {}

  private static byte[] export(LayerStore store, ChainId id) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.export(id, out);
    return out.toByteArray();
  }
}
