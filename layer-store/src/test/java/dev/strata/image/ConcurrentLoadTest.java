package dev.strata.image;

import static dev.strata.image.SampleImageIds.diffIds;
import static dev.strata.image.SampleImageIds.imageId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.driver.Digest;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import dev.strata.testing.Stress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One store loading the same archive, or registering the same layer, from several threads at once:
 * one copy of every layer, exact reference counts, the same answer for every thread.
 */
class ConcurrentLoadTest {

  private static final int THREADS = 8;

  @TempDir Path tmp;

  @Test
  void load_sameArchiveFrom8Threads_oneCopyOfEachLayerAndOneImageReference() throws Exception {
    SampleImage image = SampleImage.of(List.of(SampleLayers.base(), SampleLayers.second(), SampleLayers.single("top")),
        "three layers", "app:v1");
    Path archive = new ArchiveBuilder(ArchiveBuilder.Form.LEGACY).image(image).writeTar(tmp, false);
    List<ChainId> chains = ImageConfig.chainIds(diffIds(image));
    int rounds = Stress.iterations(5);

    try (Stores s = Stores.open(tmp.resolve("root"))) {
      for (int round = 0; round < rounds; round++) {
        Set<ImageId> ids = ConcurrentHashMap.newKeySet();
        Stress.run(THREADS, Stress.deadline(Duration.ofSeconds(40)), thread -> {
          for (Image loaded : s.archives.load(archive)) {
            ids.add(loaded.id());
          }
        });

        assertEquals(Set.of(imageId(image)), ids, "round " + round);
        assertEquals(1, s.images.images().size());
        assertEquals(Map.of(chains.get(0).toString(), 0, chains.get(1).toString(), 0, chains.get(2).toString(), 1),
            s.layerCounts(), "round " + round + ": the image holds one reference on its top layer, nothing else does");
        assertEquals(3, driverLayers(s), "round " + round + ": one copy of each layer on disk");

        s.images.remove("app:v1", false);
        assertEquals(Map.of(), s.layerCounts(), "round " + round + ": rmi leaves no layer");
        assertEquals(0, driverLayers(s));
      }
    }
  }

  @Test
  void load_twoImagesSharingLayersFrom8Threads_sharedLayersOnceAndEachImageOneReference() throws Exception {
    SampleImage one = SampleImage.of(List.of(SampleLayers.base(), SampleLayers.single("one")), "one", "one:v1");
    SampleImage two = SampleImage.of(List.of(SampleLayers.base(), SampleLayers.single("two")), "two", "two:v1");
    Path archiveOne = new ArchiveBuilder(ArchiveBuilder.Form.LEGACY).image(one).writeTar(
        Files.createDirectory(tmp.resolve("one")), false);
    Path archiveTwo = new ArchiveBuilder(ArchiveBuilder.Form.OCI).image(two).writeTar(
        Files.createDirectory(tmp.resolve("two")), false);
    List<ChainId> chainsOne = ImageConfig.chainIds(diffIds(one));
    List<ChainId> chainsTwo = ImageConfig.chainIds(diffIds(two));
    int rounds = Stress.iterations(5);

    try (Stores s = Stores.open(tmp.resolve("root"))) {
      for (int round = 0; round < rounds; round++) {
        Stress.run(THREADS, Stress.deadline(Duration.ofSeconds(40)), thread ->
            s.archives.load(thread % 2 == 0 ? archiveOne : archiveTwo));

        assertEquals(Map.of(chainsOne.get(0).toString(), 0, chainsOne.get(1).toString(), 1,
            chainsTwo.get(1).toString(), 1), s.layerCounts(), "round " + round);
        assertEquals(3, driverLayers(s));

        s.images.remove("one:v1", false);
        s.images.remove("two:v1", false);
        assertEquals(Map.of(), s.layerCounts(), "round " + round);
        assertEquals(0, driverLayers(s));
      }
    }
  }

  @Test
  void register_sameLayerFrom8Threads_oneLayerHoldingEveryReference() throws Exception {
    byte[] base = SampleLayers.base();
    byte[] child = SampleLayers.second();
    Digest baseDiff = Digest.sha256Of(base);
    Digest childDiff = Digest.sha256Of(child);
    int perThread = Stress.iterations(10);

    try (Stores s = Stores.open(tmp.resolve("root"))) {
      Set<ChainId> registered = ConcurrentHashMap.newKeySet();
      Stress.run(THREADS, Stress.deadline(Duration.ofSeconds(40)), thread -> {
        for (int i = 0; i < perThread; i++) {
          // Half the registers verify an expected DiffID (the pull and load path), half do not (commit).
          Optional<Digest> expectBase = (thread + i) % 2 == 0 ? Optional.of(baseDiff) : Optional.empty();
          Layer b = s.layers.register(new ByteArrayInputStream(base), Optional.empty(), expectBase);
          Optional<Digest> expectChild = (thread + i) % 2 == 0 ? Optional.empty() : Optional.of(childDiff);
          Layer c = s.layers.register(new ByteArrayInputStream(child), Optional.of(b.chainId()), expectChild);
          registered.add(b.chainId());
          registered.add(c.chainId());
        }
      });

      ChainId baseChain = ChainId.of(Optional.empty(), baseDiff);
      ChainId childChain = ChainId.of(Optional.of(baseChain), childDiff);
      assertEquals(Set.of(baseChain, childChain), registered);
      assertEquals(Map.of(baseChain.toString(), THREADS * perThread, childChain.toString(), THREADS * perThread),
          s.layerCounts());
      assertEquals(2, driverLayers(s));

      Stress.run(THREADS, Stress.deadline(Duration.ofSeconds(40)), thread -> {
        for (int i = 0; i < perThread; i++) {
          // Releasing the base first, as often as the child, checks that a child keeps it on disk.
          s.layers.release(thread % 2 == 0 ? baseChain : childChain);
          s.layers.release(thread % 2 == 0 ? childChain : baseChain);
        }
      });

      assertEquals(Map.of(), s.layerCounts());
      assertEquals(0, driverLayers(s));
    }
  }

  @Test
  void registerAndRelease_interleavedOnSharedParentFrom8Threads_leaveNothing() throws Exception {
    byte[] base = SampleLayers.base();
    int perThread = Stress.iterations(15);

    try (Stores s = Stores.open(tmp.resolve("root"))) {
      Stress.run(THREADS, Stress.deadline(Duration.ofSeconds(40)), thread -> {
        byte[] mine = SampleLayers.single("thread-" + thread);
        for (int i = 0; i < perThread; i++) {
          Layer b = s.layers.register(new ByteArrayInputStream(base), Optional.empty(), Optional.empty());
          Layer c = s.layers.register(new ByteArrayInputStream(mine), Optional.of(b.chainId()), Optional.empty());
          s.layers.release(b.chainId());
          s.layers.release(c.chainId());
        }
      });

      assertEquals(Map.of(), s.layerCounts());
      assertEquals(0, driverLayers(s));
    }
  }

  private static long driverLayers(Stores s) throws IOException {
    try (Stream<Path> dirs = Files.list(s.root.resolve("vfs").resolve("dir"))) {
      return dirs.count();
    }
  }
}
