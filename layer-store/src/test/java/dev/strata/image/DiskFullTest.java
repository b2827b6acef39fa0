package dev.strata.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.layer.InitHook;
import dev.strata.layer.Layer;
import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SampleImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a 64 MiB ext4 that fills up: registering, committing and loading fail with a
 * {@link FailedPreconditionException} naming the full disk, keep nothing of what failed (no layer,
 * no image, no staging, nothing new in the driver's home, also after a reopen), and work again once
 * space is freed. Needs root (loop device, mount); skipped otherwise.
 */
class DiskFullTest {

  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private LoopFilesystem fs;
  private Path root;
  private Stores stores;

  @BeforeEach
  void mountSmallDisk() throws IOException {
    fs = LoopFilesystem.ext4(64L * MIB);
    root = fs.root().resolve("store");
    stores = Stores.open(root);
  }

  @AfterEach
  void unmount() throws IOException {
    try {
      if (stores != null) {
        stores.close();
      }
    } finally {
      fs.close();
    }
  }

  /** A layer of {@code mib} MiB of random bytes: incompressible and never a hole. */
  private static byte[] randomLayer(String name, int mib, long seed) {
    byte[] content = new byte[mib * MIB];
    new Random(seed).nextBytes(content);
    return new LayerTarBuilder().file(name, content, 0644).build();
  }

  private long free() throws IOException {
    return Files.getFileStore(fs.root()).getUsableSpace();
  }

  /** Writes a filler file (real blocks, outside the store) until about {@code leave} bytes stay free. */
  private Path fillLeaving(long leave) throws IOException {
    Path filler = fs.root().resolve("filler");
    ByteBuffer chunk = ByteBuffer.allocate(MIB);
    try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      while (free() > leave + MIB) {
        chunk.clear();
        ch.write(chunk);
      }
      ch.force(true);
    }
    return filler;
  }

  /**
   * Registers {@code tar} as the one layer of an image tagged {@code tag}, which then holds its only
   * reference: opening the image store drops references no image holds (a killed load's).
   */
  private Layer held(byte[] tar, String tag) throws IOException {
    Layer layer = stores.layers.register(new ByteArrayInputStream(tar), Optional.empty(), Optional.empty());
    try {
      stores.images.add(SampleImage.of(List.of(tar), tag, tag).config(), List.of(tag));
    } finally {
      stores.layers.release(layer.chainId());
    }
    return layer;
  }

  /** Everything in the store but lock files: what a failure must not change. */
  private List<String> storeTree() throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.map(p -> root.relativize(p).toString()).filter(p -> !p.endsWith(".lock")).sorted().toList();
    }
  }

  private void assertNothingKept(List<String> treeBefore, Map<String, Integer> countsBefore,
      List<Image> imagesBefore) throws IOException {
    assertEquals(countsBefore, stores.layerCounts(), "no partial layer, counts as before");
    assertEquals(imagesBefore, stores.images.images(), "no image");
    assertEquals(treeBefore, storeTree(), "no leftover in tmp, the layer database or the driver's home");
    stores = stores.reopen();
    assertEquals(countsBefore, stores.layerCounts(), "nothing half-written shows after a restart");
    assertEquals(imagesBefore, stores.images.images());
    assertEquals(treeBefore, storeTree());
  }

  @Test
  void register_untilTheDiskFills_throwsFailedPreconditionKeepsNothingAndWorksAfterFreeing() throws IOException {
    List<Layer> registered = new ArrayList<>();
    FailedPreconditionException full = null;
    for (int i = 0; i < 20 && full == null; i++) {
      byte[] tar = randomLayer("blob" + i, 6, i);
      List<String> tree = storeTree();
      Map<String, Integer> counts = stores.layerCounts();
      List<Image> images = stores.images.images();
      try {
        registered.add(held(tar, "fill:" + i));
      } catch (FailedPreconditionException e) {
        full = e;
        assertNothingKept(tree, counts, images);
      }
    }
    assertTrue(full != null, "a 64 MiB disk holds fewer than 20 layers of 6 MiB");
    assertTrue(full.getMessage().contains("no space left on device"), full.getMessage());
    assertTrue(full.getMessage().contains("free space"), full.getMessage());
    assertTrue(registered.size() >= 2, "some layers fit: " + registered.size());

    stores.images.remove("fill:0", false);
    stores.images.remove("fill:1", false);
    Layer again = stores.layers.register(new ByteArrayInputStream(randomLayer("after", 6, 99)), Optional.empty(),
        Optional.empty());
    assertTrue(stores.layers.layers().contains(again));
  }

  @Test
  void commit_writeLayerLargerThanTheFreeSpace_throwsFailedPreconditionAndWorksAfterFreeing() throws IOException {
    Layer base = held(randomLayer("base", 1, 1), "base:1");
    stores.layers.writeLayers().create("c1", Optional.of(base.chainId()), InitHook.none(), Map.of());
    Path rootfs = stores.layers.writeLayers().mount("c1");
    byte[] big = new byte[12 * MIB];
    new Random(2).nextBytes(big);
    Files.write(rootfs.resolve("big"), big);
    stores.layers.writeLayers().unmount("c1");
    // The commit needs the diff tar and the applied layer, about 24 MiB; leave 16.
    Path filler = fillLeaving(16L * MIB);
    List<String> tree = storeTree();
    Map<String, Integer> counts = stores.layerCounts();
    List<Image> images = stores.images.images();
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> stores.layers.writeLayers().commit("c1"));
    assertTrue(e.getMessage().contains("no space left on device"), e.getMessage());
    assertTrue(e.getMessage().contains("committing container c1"), e.getMessage());
    assertNothingKept(tree, counts, images);

    Files.delete(filler);
    Layer committed = stores.layers.writeLayers().commit("c1");
    assertEquals(Optional.of(base.chainId()), committed.parent());
    assertEquals(2, stores.layers.layers().size());
  }

  @Test
  void load_archiveLargerThanTheFreeSpace_throwsFailedPreconditionAndWorksAfterFreeing() throws IOException {
    SampleImage image = SampleImage.of(List.of(randomLayer("one", 8, 3), randomLayer("two", 8, 4)), "big", "big:1");
    Path archive = new ArchiveBuilder(Form.BLOBS).image(image).writeTar(tmp.resolve("scratch"), false);
    Path filler = fillLeaving(12L * MIB);
    List<String> tree = storeTree();
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> stores.archives.load(archive));
    assertTrue(e.getMessage().contains("no space left on device"), e.getMessage());
    assertNothingKept(tree, Map.of(), List.of());

    Files.delete(filler);
    List<Image> loaded = stores.archives.load(archive);
    assertEquals(1, loaded.size());
    assertEquals(2, stores.layers.layers().size());
  }

}
