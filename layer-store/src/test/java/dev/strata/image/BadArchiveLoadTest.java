package dev.strata.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.archive.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.StorageException;
import dev.strata.image.ArchiveBuilder.Form;
import dev.strata.image.TestLayers.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad archive is refused with the exact exception and leaves the store as it was: no new
 * layer, old layers with their old counts, no image, no tag. The store already holds an image
 * sharing the base layer, so "old counts" is tested, not just "empty".
 */
class BadArchiveLoadTest {

  @TempDir Path tmp;

  private Stores stores;
  private Map<String, Integer> countsBefore;
  private List<Image> imagesBefore;

  @BeforeEach
  void loadAnImageSharingTheBase() throws Exception {
    stores = Stores.open(tmp.resolve("root"));
    TestImage existing = TestImage.of(List.of(TestLayers.base(), TestLayers.single("existing")), "existing", "existing:1");
    stores.archives.load(new ArchiveBuilder(Form.BLOBS).image(existing).writeDirectory(tmp.resolve("existing")));
    countsBefore = stores.layerCounts();
    imagesBefore = stores.images.images();
  }

  @AfterEach
  void close() throws IOException {
    stores.close();
  }

  @Test
  void load_missingLayerBlob_throwsCorrupt() throws Exception {
    Path dir = blobsArchive();
    Files.delete(dir.resolve("blobs/sha256/" + TestLayers.diffId(TestLayers.second()).hex()));
    refused(CorruptException.class, dir, "missing");
  }

  @Test
  void load_layerBlobNotMatchingItsDigest_throwsCorrupt() throws Exception {
    Path dir = blobsArchive();
    Path layer = dir.resolve("blobs/sha256/" + TestLayers.diffId(TestLayers.second()).hex());
    byte[] bytes = Files.readAllBytes(layer);
    bytes[700] ^= 0x20;
    Files.write(layer, bytes);
    refused(CorruptException.class, dir, "hashes to");
  }

  @Test
  void load_legacyLayerNotMatchingDiffId_throwsCorruptAfterRollingBackTheLayersBelow() throws Exception {
    TestImage image = TestImage.of(List.of(TestLayers.single("fresh base"), TestLayers.second()), "legacy", "bad:1");
    Path dir = new ArchiveBuilder(Form.LEGACY).image(image).writeDirectory(tmp.resolve("bad"));
    String manifest = Files.readString(dir.resolve("manifest.json"));
    String topLayer = manifest.replaceAll("(?s).*\"([0-9a-f]{64}/layer\\.tar)\"\\]\\}\\]\\s*", "$1");
    Files.write(dir.resolve(topLayer), TestLayers.single("not the promised layer"));
    refused(CorruptException.class, dir, "rootfs.diff_ids[1]");
  }

  @Test
  void load_configDiffIdsDisagreeWithLayers_throwsCorrupt() throws Exception {
    TestImage honest = TestImage.twoLayers("bad:1");
    TestImage lying = new TestImage(List.of(TestLayers.base(), TestLayers.single("other")), honest.config(), honest.tags());
    refused(CorruptException.class, new ArchiveBuilder(Form.LEGACY).image(lying).writeDirectory(tmp.resolve("bad")), "");
  }

  @Test
  void load_manifestPathClimbingOut_throwsInvalidArgument() throws Exception {
    Path dir = legacyArchive();
    replaceLayerPath(dir, "../../etc/passwd");
    refused(InvalidArgumentException.class, dir, "outside");
  }

  @Test
  void load_manifestPathAbsolute_throwsInvalidArgument() throws Exception {
    Path dir = legacyArchive();
    replaceLayerPath(dir, "/etc/passwd");
    refused(InvalidArgumentException.class, dir, "outside");
  }

  @Test
  void load_manifestPathClimbingOutOfATar_throwsInvalidArgument() throws Exception {
    Path dir = legacyArchive();
    replaceLayerPath(dir, "../../etc/passwd");
    refused(InvalidArgumentException.class, ArchiveBuilder.tarOf(dir, tmp.resolve("bad.tar"), false), "outside");
  }

  @Test
  void load_malformedManifestJson_throwsCorrupt() throws Exception {
    Path dir = legacyArchive();
    Files.writeString(dir.resolve("manifest.json"), "[{\"Config\": \"abc.json\", \"Layers\": [");
    refused(CorruptException.class, dir, "not valid JSON");
  }

  @Test
  void load_malformedConfigJson_throwsCorrupt() throws Exception {
    Path dir = blobsArchive();
    TestImage image = TestImage.twoLayers();
    byte[] broken = "{\"rootfs\": {\"type\": \"layers\", \"diff_ids\": [".getBytes();
    Digest digest = Digest.sha256Of(broken);
    Files.write(dir.resolve("blobs/sha256/" + digest.hex()), broken);
    String manifest = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(dir.resolve("manifest.json"), manifest.replace(image.id().digest().hex(), digest.hex()));
    refused(CorruptException.class, dir, "not valid JSON");
  }

  @Test
  void load_truncatedTar_throwsCorrupt() throws Exception {
    Path tar = ArchiveBuilder.tarOf(blobsArchive(), tmp.resolve("whole.tar"), false);
    byte[] bytes = Files.readAllBytes(tar);
    Path cut = Files.write(tmp.resolve("cut.tar"), Arrays.copyOf(bytes, bytes.length * 2 / 3 + 100));
    refused(CorruptException.class, cut, "");
  }

  @Test
  void load_truncatedGzipTar_throwsCorrupt() throws Exception {
    Path tar = ArchiveBuilder.tarOf(blobsArchive(), tmp.resolve("whole.tar.gz"), true);
    byte[] bytes = Files.readAllBytes(tar);
    Path cut = Files.write(tmp.resolve("cut.tar.gz"), Arrays.copyOf(bytes, bytes.length - 40));
    refused(CorruptException.class, cut, "truncated or corrupt");
  }

  @Test
  void load_layerCountNotMatchingDiffIds_throwsCorrupt() throws Exception {
    TestImage image = TestImage.twoLayers("bad:1");
    TestImage short1 = new TestImage(List.of(TestLayers.base()), image.config(), image.tags());
    refused(CorruptException.class, new ArchiveBuilder(Form.OCI).image(short1).writeDirectory(tmp.resolve("bad")),
        "rootfs.diff_ids");
  }

  @Test
  void load_ociZstdLayerThatDoesNotDecompressToItsDiffId_throwsCorrupt() throws Exception {
    TestImage image = TestImage.twoLayers("bad:1");
    TestImage lying = new TestImage(List.of(TestLayers.base(), TestLayers.single("swapped")), image.config(), image.tags());
    Path dir = new ArchiveBuilder(Form.OCI).compression(Compression.ZSTD).image(lying).writeDirectory(tmp.resolve("bad"));
    refused(CorruptException.class, dir, "");
  }

  @Test
  void load_secondImageBad_leavesTheFirstUnloadedToo() throws Exception {
    TestImage good = TestImage.of(List.of(TestLayers.single("good")), "good", "good:1");
    TestImage honest = TestImage.twoLayers("bad:1");
    TestImage lying = new TestImage(List.of(TestLayers.base(), TestLayers.single("other")), honest.config(), honest.tags());
    refused(CorruptException.class,
        new ArchiveBuilder(Form.LEGACY).image(good).image(lying).writeDirectory(tmp.resolve("bad")), "");
  }

  @Test
  void load_hostileOuterTar_throwsCorrupt() throws Exception {
    Path tar = Files.write(tmp.resolve("evil.tar"), TestLayers.tar(t -> {
      TestLayers.file(t, "manifest.json", "[]", 0644);
      TestLayers.file(t, "../../escape", "x", 0644);
    }));
    refused(CorruptException.class, tar, "escapes");
  }

  private void refused(Class<? extends StorageException> type, Path archive, String messagePart) throws Exception {
    StorageException e = assertThrows(type, () -> stores.archives.load(archive));
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    assertEquals(countsBefore, stores.layerCounts(), "layers and their counts are as before");
    assertEquals(imagesBefore, stores.images.images(), "no image or tag was added");
    Path staging = tmp.resolve("root").resolve("tmp");
    if (Files.isDirectory(staging)) {
      try (var left = Files.list(staging)) {
        assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("image-")), "staging cleaned");
      }
    }
    stores = stores.reopen();
    assertEquals(imagesBefore, stores.images.images(), "nothing half-written shows after a restart");
    assertEquals(countsBefore, stores.layerCounts());
  }

  private Path blobsArchive() throws IOException {
    return new ArchiveBuilder(Form.BLOBS).image(TestImage.twoLayers("bad:1")).writeDirectory(tmp.resolve("bad"));
  }

  private Path legacyArchive() throws IOException {
    return new ArchiveBuilder(Form.LEGACY).image(TestImage.twoLayers("bad:1")).writeDirectory(tmp.resolve("bad"));
  }

  private static void replaceLayerPath(Path dir, String path) throws IOException {
    String manifest = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(dir.resolve("manifest.json"), manifest.replaceFirst("\"[0-9a-f]{64}/layer\\.tar\"", "\"" + path + "\""));
  }
}
