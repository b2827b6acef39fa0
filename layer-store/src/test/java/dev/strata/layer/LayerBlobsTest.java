package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Digest;
import dev.strata.driver.error.NotFoundException;
import dev.strata.testing.LayerTarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blobs a layer was seen as, recorded beside its record: a hint that nothing damaged can turn into a failure. */
class LayerBlobsTest {

  private static final String GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  @TempDir Path root;
  private LayerStore store;
  private Layer layer;

  @BeforeEach
  void open() throws IOException {
    store = LayerStore.open(LayerStoreConfig.of(root, "vfs"));
    layer = store.register(new ByteArrayInputStream(new LayerTarBuilder().file("a", "a", 0644).build()),
        Optional.empty(), Optional.empty());
  }

  @AfterEach
  void close() throws IOException {
    store.close();
  }

  private static LayerBlob blob(int n, String repository) {
    return new LayerBlob(Digest.sha256Of(new byte[] {(byte) n}), GZIP, 100 + n, Optional.of(repository));
  }

  private Path record() {
    return root.resolve("image/vfs/layerdb/sha256").resolve(layer.chainId().digest().hex()).resolve("blobs.json");
  }

  @Test
  void recordBlob_severalTimes_readsNewestFirstEachBlobAndPlaceOnce() throws IOException {
    store.recordBlob(layer.chainId(), blob(1, "docker.io/library/busybox"));
    store.recordBlob(layer.chainId(), blob(2, "localhost:5000/team/app"));
    store.recordBlob(layer.chainId(), blob(1, "docker.io/library/busybox"));
    LayerBlob archived = new LayerBlob(Digest.sha256Of(new byte[] {3}), "application/vnd.oci.image.layer.v1.tar+zstd",
        7, Optional.empty());
    store.recordBlob(layer.chainId(), archived);

    assertEquals(List.of(archived, blob(1, "docker.io/library/busybox"), blob(2, "localhost:5000/team/app")),
        store.blobs(layer.chainId()));
  }

  @Test
  void recordBlob_pastTheCap_keepsTheNewestSixteen() throws IOException {
    List<LayerBlob> newestFirst = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      store.recordBlob(layer.chainId(), blob(i, "localhost:5000/r" + i));
      newestFirst.add(0, blob(i, "localhost:5000/r" + i));
    }

    assertEquals(newestFirst.subList(0, 16), store.blobs(layer.chainId()));
  }

  @Test
  void recordBlob_reopenedStore_readsItBack() throws IOException {
    store.recordBlob(layer.chainId(), blob(1, "localhost:5000/team/app"));
    store.close();
    store = LayerStore.open(LayerStoreConfig.of(root, "vfs"));

    assertEquals(List.of(blob(1, "localhost:5000/team/app")), store.blobs(layer.chainId()));
  }

  @Test
  void recordBlob_unknownLayer_throwsNotFound() {
    ChainId unknown = new ChainId(Digest.sha256Of(new byte[] {42}));

    assertThrows(NotFoundException.class, () -> store.recordBlob(unknown, blob(1, "localhost:5000/a")));
    assertEquals(List.of(), assertDoesNotThrowBlobs(unknown));
  }

  @Test
  void release_lastReference_recordGoesWithTheLayer() throws IOException {
    store.recordBlob(layer.chainId(), blob(1, "localhost:5000/a"));

    store.release(layer.chainId());

    assertEquals(List.of(), store.blobs(layer.chainId()));
    assertTrue(Files.notExists(record().getParent()));
  }

  @Test
  void blobs_recordNotJson_readsEmptyAndTheNextRecordReplacesIt() throws IOException {
    Files.writeString(record(), "{not json");

    assertEquals(List.of(), store.blobs(layer.chainId()));
    store.recordBlob(layer.chainId(), blob(1, "localhost:5000/a"));
    assertEquals(List.of(blob(1, "localhost:5000/a")), store.blobs(layer.chainId()));
  }

  @Test
  void blobs_recordTooLargeOrNotAFile_readsEmptyAndLayerStaysUsable() throws IOException {
    Files.write(record(), new byte[LayerBlobs.MAX_FILE + 1]);
    assertEquals(List.of(), store.blobs(layer.chainId()));

    Files.delete(record());
    Files.createDirectory(record());
    assertEquals(List.of(), store.blobs(layer.chainId()));
    assertEquals(layer, store.get(layer.chainId()).orElseThrow());

    Files.delete(record());
    Files.createSymbolicLink(record(), Path.of("/etc/passwd"));
    assertEquals(List.of(), store.blobs(layer.chainId()));
  }

  @Test
  void blobs_hostileEntries_skipsThemAndKeepsTheGoodOnes() throws IOException {
    String good = "{\"digest\":\"" + blob(1, "x/y").digest() + "\",\"mediaType\":\"" + GZIP
        + "\",\"size\":101,\"repository\":\"localhost:5000/a\"}";
    Files.writeString(record(), "[" + String.join(",",
        "{\"digest\":\"md5:00\",\"mediaType\":\"" + GZIP + "\",\"size\":1}",
        "{\"digest\":\"" + blob(2, "x/y").digest() + "\",\"mediaType\":\"a b\",\"size\":1}",
        "{\"digest\":\"" + blob(3, "x/y").digest() + "\",\"mediaType\":\"" + GZIP + "\",\"size\":-5}",
        "{\"digest\":\"" + blob(4, "x/y").digest() + "\",\"mediaType\":\"" + GZIP
            + "\",\"size\":1,\"repository\":\"localhost:5000/a?mount=x&from=../b\"}",
        "\"just a string\"",
        good) + "]");

    assertEquals(List.of(blob(1, "localhost:5000/a")), store.blobs(layer.chainId()));
  }

  @Test
  void newLayerBlob_badMediaTypeOrRepository_throwsQuotingIt() {
    Digest d = Digest.sha256Of(new byte[0]);
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> new LayerBlob(d, "gzip please", 1, Optional.empty()));
    IllegalArgumentException repo = assertThrows(IllegalArgumentException.class,
        () -> new LayerBlob(d, GZIP, 1, Optional.of("registry/../etc")));

    assertTrue(type.getMessage().contains("'gzip please'"), type.getMessage());
    assertTrue(repo.getMessage().contains("'registry/../etc'"), repo.getMessage());
  }

  private List<LayerBlob> assertDoesNotThrowBlobs(ChainId chain) {
    try {
      return store.blobs(chain);
    } catch (IOException e) {
      throw new AssertionError("blobs of an unknown layer must read empty", e);
    }
  }
}
