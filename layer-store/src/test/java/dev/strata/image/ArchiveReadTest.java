package dev.strata.image;

import static dev.strata.image.SampleImageIds.diffIds;
import static dev.strata.image.SampleImageIds.imageId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.StorageException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.LayerCompression;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reading and checking archives, before anything touches a store. */
class ArchiveReadTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(Form.class)
  void read_eachForm_givesConfigBytesDiffIdsTagsAndLayerContent(Form form) throws Exception {
    SampleImage image = SampleImage.twoLayers("busybox:latest", "example.com/team/tool:1.0");
    Path dir = new ArchiveBuilder(form).image(image).writeDirectory(tmp.resolve("a"));
    List<ArchiveImage> read = read(dir);
    assertEquals(1, read.size());
    ArchiveImage found = read.get(0);
    assertArrayEquals(image.config(), found.config());
    assertEquals(diffIds(image), found.parsed().diffIds());
    assertEquals(List.of(Reference.parse("busybox"), Reference.parse("example.com/team/tool:1.0")), found.tags());
    for (int i = 0; i < image.layers().size(); i++) {
      assertArrayEquals(image.layers().get(i), plain(found.layers().get(i).file()));
    }
  }

  @ParameterizedTest
  @EnumSource(LayerCompression.class)
  void read_ociLayersCompressed_decompressToTheDiffIdBytes(LayerCompression compression) throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path dir = new ArchiveBuilder(Form.OCI).compression(compression).image(image).writeDirectory(tmp.resolve("a"));
    ArchiveImage found = read(dir).get(0);
    ArchiveLoader.verifyBlobs(List.of(found));
    for (int i = 0; i < 2; i++) {
      assertEquals(diffIds(image).get(i), Digest.sha256Of(plain(found.layers().get(i).file())));
    }
  }

  @Test
  void read_dockerMediaTypes_areAccepted() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path dir = new ArchiveBuilder(Form.OCI).compression(LayerCompression.GZIP).dockerMediaTypes().image(image)
        .writeDirectory(tmp.resolve("a"));
    assertEquals(imageId(image), read(dir).get(0).parsed().id());
  }

  @Test
  void read_nestedIndex_picksLinuxAmd64AndSkipsAttestations() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path dir = new ArchiveBuilder(Form.OCI).nestedIndex().image(image).writeDirectory(tmp.resolve("a"));
    List<ArchiveImage> read = read(dir);
    assertEquals(1, read.size());
    assertEquals(imageId(image), read.get(0).parsed().id());
    assertEquals(List.of(Reference.parse("app:v1")), read.get(0).tags());
  }

  @Test
  void read_ociRefNameBareTag_loadsUntagged() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path dir = new ArchiveBuilder(Form.OCI).image(image).writeDirectory(tmp.resolve("a"));
    replace(dir.resolve("index.json"), "\"io.containerd.image.name\":\"docker.io/library/app:v1\",", "");
    assertEquals(List.of(), read(dir).get(0).tags());
    replace(dir.resolve("index.json"), "\"org.opencontainers.image.ref.name\":\"v1\"",
        "\"org.opencontainers.image.ref.name\":\"quay.io/x/app:v2\"");
    assertEquals(List.of(Reference.parse("quay.io/x/app:v2")), read(dir).get(0).tags());
  }

  @Test
  void read_blobsFormWithOciIndex_prefersManifestJson() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path dir = new ArchiveBuilder(Form.BLOBS).image(image).writeDirectory(tmp.resolve("a"));
    Files.writeString(dir.resolve("index.json"), "not json at all");
    assertEquals(imageId(image), read(dir).get(0).parsed().id());
  }

  @Test
  void read_severalImagesSharingLayers_legacySymlinks() throws Exception {
    SampleImage one = SampleImage.twoLayers("one:1");
    SampleImage two = SampleImage.of(List.of(SampleLayers.base(), SampleLayers.single("two")), "two", "two:2");
    Path dir = new ArchiveBuilder(Form.LEGACY).image(one).image(two).writeDirectory(tmp.resolve("a"));
    Path tar = ArchiveBuilder.tarOf(dir, tmp.resolve("a.tar"), false);
    try (ArchiveTree tree = ArchiveTree.open(tar, tmp.resolve("tmp"))) {
      List<ArchiveImage> read = ArchiveLoader.read(tree);
      assertEquals(List.of(imageId(one), imageId(two)), read.stream().map(i -> i.parsed().id()).toList());
      assertArrayEquals(SampleLayers.base(), Files.readAllBytes(read.get(1).layers().get(0).file()));
    }
  }

  @ParameterizedTest
  @EnumSource(value = Form.class, names = {"BLOBS", "OCI"})
  void verifyBlobs_alteredLayer_throwsCorrupt(Form form) throws Exception {
    Path dir = new ArchiveBuilder(form).image(SampleImage.twoLayers("a:b")).writeDirectory(tmp.resolve("a"));
    List<ArchiveImage> read = read(dir);
    Path layer = read.get(0).layers().get(1).file();
    byte[] bytes = Files.readAllBytes(layer);
    bytes[600] ^= 1;
    Files.write(layer, bytes);
    CorruptException e = assertThrows(CorruptException.class, () -> ArchiveLoader.verifyBlobs(read));
    assertTrue(e.getMessage().contains("hashes to"), e.getMessage());
  }

  @Test
  void verifyBlobs_ociLayerOfWrongSize_throwsCorrupt() throws Exception {
    Path dir = new ArchiveBuilder(Form.OCI).image(SampleImage.twoLayers("a:b")).writeDirectory(tmp.resolve("a"));
    List<ArchiveImage> read = read(dir);
    Files.write(read.get(0).layers().get(0).file(), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
    CorruptException e = assertThrows(CorruptException.class, () -> ArchiveLoader.verifyBlobs(read));
    assertTrue(e.getMessage().contains("bytes but its descriptor says"), e.getMessage());
  }

  @Test
  void read_legacyConfigNotMatchingItsName_throwsCorrupt() throws Exception {
    SampleImage image = SampleImage.twoLayers("a:b");
    Path dir = new ArchiveBuilder(Form.LEGACY).image(image).writeDirectory(tmp.resolve("a"));
    Path config = dir.resolve(imageId(image).digest().hex() + ".json");
    Files.writeString(config, Files.readString(config).replace("linux", "Linux"));
    assertThrows(CorruptException.class, () -> read(dir));
  }

  @Test
  void read_ociManifestAltered_throwsCorrupt() throws Exception {
    Path dir = new ArchiveBuilder(Form.OCI).image(SampleImage.twoLayers("a:b")).writeDirectory(tmp.resolve("a"));
    replace(dir.resolve("index.json"), "\"size\":", "\"size\":1");
    assertThrows(CorruptException.class, () -> read(dir));
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void read_layerCountDisagreesWithDiffIds_throwsCorrupt(Form form) throws Exception {
    SampleImage image = SampleImage.twoLayers("a:b");
    SampleImage lying = new SampleImage(List.of(SampleLayers.base()), image.config(), image.tags());
    Path dir = new ArchiveBuilder(form).image(lying).writeDirectory(tmp.resolve("a"));
    CorruptException e = assertThrows(CorruptException.class, () -> read(dir));
    assertTrue(e.getMessage().contains("1 layers") && e.getMessage().contains("2 rootfs.diff_ids"), e.getMessage());
  }

  @Test
  void read_manifestPathOutside_throwsInvalidArgument() throws Exception {
    Path dir = new ArchiveBuilder(Form.LEGACY).image(SampleImage.twoLayers("a:b")).writeDirectory(tmp.resolve("a"));
    String manifest = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(dir.resolve("manifest.json"), manifest.replaceFirst("\"[0-9a-f]{64}/layer.tar\"", "\"../../etc/passwd\""));
    assertThrows(InvalidArgumentException.class, () -> read(dir));
    Files.writeString(dir.resolve("manifest.json"), manifest.replaceFirst("\"[0-9a-f]{64}/layer.tar\"", "\"/etc/passwd\""));
    assertThrows(InvalidArgumentException.class, () -> read(dir));
  }

  @Test
  void read_malformedManifest_throwsCorrupt() throws Exception {
    Path dir = new ArchiveBuilder(Form.LEGACY).image(SampleImage.twoLayers("a:b")).writeDirectory(tmp.resolve("a"));
    Files.writeString(dir.resolve("manifest.json"), "[{\"Config\": ");
    assertThrows(CorruptException.class, () -> read(dir));
    Files.writeString(dir.resolve("manifest.json"), "{\"Config\": \"x\"}");
    assertThrows(CorruptException.class, () -> read(dir));
  }

  @Test
  void read_neitherFormat_throwsCorrupt() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(dir.resolve("hello"), "hi");
    assertThrows(CorruptException.class, () -> read(dir));
  }

  @Test
  void read_onlyLegacyRepositories_throwsUnsupported() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("v1"));
    Files.writeString(dir.resolve("repositories"), "{}");
    assertThrows(UnsupportedException.class, () -> read(dir));
  }

  @Test
  void read_ociIndexWithoutAmd64_throwsUnsupported() throws Exception {
    Path dir = new ArchiveBuilder(Form.OCI).nestedIndex().image(SampleImage.twoLayers("a:b")).writeDirectory(tmp.resolve("a"));
    for (Path blob : Files.list(dir.resolve("blobs/sha256")).toList()) {
      String text = Files.readString(blob, java.nio.charset.StandardCharsets.ISO_8859_1);
      if (text.contains("\"manifests\"") && text.contains("\"amd64\"")) {
        String changed = text.replace("\"amd64\"", "\"s390x\"");
        byte[] bytes = changed.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Digest digest = Digest.sha256Of(bytes);
        Files.write(blob.resolveSibling(digest.hex()), bytes);
        replace(dir.resolve("index.json"), blob.getFileName().toString(), digest.hex());
      }
    }
    StorageException e = assertThrows(UnsupportedException.class, () -> read(dir));
    assertTrue(e.getMessage().contains("linux/s390x"), e.getMessage());
  }

  @Test
  void read_invalidRepoTag_throwsInvalidArgument() throws Exception {
    Path dir = new ArchiveBuilder(Form.BLOBS).image(SampleImage.twoLayers("a:b")).writeDirectory(tmp.resolve("a"));
    replace(dir.resolve("manifest.json"), "\"a:b\"", "\"Not/Valid:tag\"");
    assertThrows(InvalidArgumentException.class, () -> read(dir));
  }

  private List<ArchiveImage> read(Path dir) throws IOException {
    try (ArchiveTree tree = ArchiveTree.open(dir, tmp.resolve("tmp"))) {
      return ArchiveLoader.read(tree);
    }
  }

  private static byte[] plain(Path file) throws IOException {
    try (InputStream in = ArchiveInput.decompressed(Files.newInputStream(file), file.toString())) {
      return in.readAllBytes();
    }
  }

  private static void replace(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    assertTrue(text.contains(from), "test setup: " + file + " lacks " + from);
    Files.writeString(file, text.replace(from, to));
  }
}
