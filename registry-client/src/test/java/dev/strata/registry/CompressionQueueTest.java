package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Digest;
import dev.strata.driver.error.NotFoundException;
import dev.strata.image.Image;
import dev.strata.layer.ChainId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers compressed on several threads come out in order, byte for byte as one thread makes them. */
class CompressionQueueTest {

  @TempDir Path tmp;
  private LocalImages local;
  private Image image;

  @BeforeEach
  void setUp() throws IOException {
    local = LocalImages.open(tmp.resolve("local"));
    image = local.add("app:1", 6, 40_000, 31);
  }

  @AfterEach
  void tearDown() throws IOException {
    local.close();
  }

  @Test
  void next_fourThreads_sameBlobsInOrderAsSequentialCompression() throws IOException {
    for (BlobCompression compression : BlobCompression.values()) {
      List<byte[]> sequential = new ArrayList<>();
      Path one = Files.createDirectories(tmp.resolve("seq-" + compression));
      for (int i = 0; i < image.chainIds().size(); i++) {
        StagedBlob b = new LayerCompressor(local.layers).compress(image.chainIds().get(i), compression,
            one.resolve("layer-" + i), n -> { });
        sequential.add(Files.readAllBytes(b.file()));
      }

      List<StagedBlob> parallel = drain(compression, 4, Files.createDirectories(tmp.resolve("par-" + compression)));

      assertEquals(sequential.size(), parallel.size());
      for (int i = 0; i < sequential.size(); i++) {
        assertArrayEquals(sequential.get(i), Files.readAllBytes(parallel.get(i).file()), compression + " layer " + i);
        assertEquals(Digest.sha256Of(sequential.get(i)), parallel.get(i).digest());
        assertEquals(sequential.get(i).length, parallel.get(i).size());
      }
    }
  }

  @Test
  void next_twoThreads_neverMoreThanThreePlusTheTakenBlobsStaged() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("staged"));
    try (CompressionQueue queue = new CompressionQueue(new LayerCompressor(local.layers), BlobCompression.GZIP,
        jobs(dir), 2)) {
      for (int i = 0; i < image.chainIds().size(); i++) {
        StagedBlob b = queue.next();
        // The one handed out and at most two compressed ahead of it: the uploads' disk bound.
        assertTrue(files(dir) <= 3, files(dir) + " blobs staged after taking layer " + i);
        Files.delete(b.file());
      }
      assertThrows(IllegalStateException.class, queue::next);
    }
  }

  @Test
  void next_layerGoneFromStore_throwsItsErrorInOrder() throws IOException {
    List<CompressionQueue.Job> jobs = new ArrayList<>(jobs(tmp));
    ChainId unknown = ChainId.of(Optional.empty(), Digest.sha256Of(new byte[] {9}));
    jobs.set(2, new CompressionQueue.Job(unknown, tmp.resolve("missing"), n -> { }));
    try (CompressionQueue queue = new CompressionQueue(new LayerCompressor(local.layers), BlobCompression.GZIP,
        jobs, 3)) {
      queue.next();
      queue.next();
      assertThrows(NotFoundException.class, queue::next);
    }
  }

  private List<StagedBlob> drain(BlobCompression compression, int threads, Path dir) throws IOException {
    List<StagedBlob> out = new ArrayList<>();
    try (CompressionQueue queue = new CompressionQueue(new LayerCompressor(local.layers), compression, jobs(dir),
        threads)) {
      for (int i = 0; i < image.chainIds().size(); i++) {
        out.add(queue.next());
      }
    }
    return out;
  }

  private List<CompressionQueue.Job> jobs(Path dir) {
    List<CompressionQueue.Job> jobs = new ArrayList<>();
    for (int i = 0; i < image.chainIds().size(); i++) {
      jobs.add(new CompressionQueue.Job(image.chainIds().get(i), dir.resolve("layer-" + i), n -> { }));
    }
    return jobs;
  }

  private static long files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }
}
