package dev.strata.image;

import static dev.strata.image.SampleImageIds.imageId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.StorageException;
import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.LayerCompression;
import dev.strata.testing.RawTar;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import dev.strata.testing.HostileGround;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hostile image-archive half of the corpus (35 archives, every one refused; the layer-tar half
 * is {@code LayerApplierHostileTest} in layer-tar): manifests and configs pointing at
 * {@code ../../etc/passwd} or absolute paths, OCI descriptors whose digest is a zip-slip path,
 * layers not matching their digest (docker-archive, legacy and OCI), symlinked or missing
 * documents, a directory where a file is expected, hostile outer tars, a hostile layer inside an
 * honest archive, archives and layers cut short, names with control bytes.
 *
 * <p>Every bad archive is refused with the exact exception, a message naming the offending entry
 * or document exactly (quoted and escaped as {@code PrintableNames} does), and leaves the store as
 * it was: no new layer, old layers with their old counts, no image, no tag. The store already
 * holds an image sharing the base layer, so "old counts" is tested, not just "empty". The store,
 * the archives and a canary {@code etc/passwd} live on a loop filesystem of their own ({@link
 * HostileGround}), which is snapshotted whole, so that a path climbing above the test's directory
 * is seen too.
 */
class BadArchiveLoadTest {

  @RegisterExtension final HostileGround ground = HostileGround.onLoopFilesystem();

  private Path tmp;

  private Stores stores;
  private Map<String, Integer> countsBefore;
  private Path canary;
  private List<Image> imagesBefore;

  @BeforeEach
  void loadAnImageSharingTheBase() throws Exception {
    tmp = ground.dir();
    stores = Stores.open(tmp.resolve("root"));
    SampleImage existing = SampleImage.of(List.of(SampleLayers.base(), SampleLayers.single("existing")), "existing", "existing:1");
    stores.archives.load(new ArchiveBuilder(Form.BLOBS).image(existing).writeDirectory(tmp.resolve("existing")));
    countsBefore = stores.layerCounts();
    canary = Files.createDirectories(tmp.resolve("canary/etc"));
    Files.writeString(canary.resolve("passwd"), "root:x:0:0:canary");
    imagesBefore = stores.images.images();
  }

  @AfterEach
  void close() throws IOException {
    stores.close();
  }

  @Test
  void load_missingLayerBlob_throwsCorrupt() throws Exception {
    Path dir = blobsArchive();
    Files.delete(dir.resolve("blobs/sha256/" + Digest.sha256Of(SampleLayers.second()).hex()));
    refused(CorruptException.class, dir, "manifest.json[0] layer 1 '" + secondLayerBlob() + "' is missing from the archive");
  }

  @Test
  void load_layerBlobNotMatchingItsDigest_throwsCorrupt() throws Exception {
    Path dir = blobsArchive();
    Path layer = dir.resolve("blobs/sha256/" + Digest.sha256Of(SampleLayers.second()).hex());
    byte[] bytes = Files.readAllBytes(layer);
    bytes[700] ^= 0x20;
    Files.write(layer, bytes);
    refused(CorruptException.class, dir, "blob '" + secondLayerBlob() + "' hashes to ");
  }

  @Test
  void load_legacyLayerNotMatchingDiffId_throwsCorruptAfterRollingBackTheLayersBelow() throws Exception {
    SampleImage image = SampleImage.of(List.of(SampleLayers.single("fresh base"), SampleLayers.second()), "legacy", "bad:1");
    Path dir = new ArchiveBuilder(Form.LEGACY).image(image).writeDirectory(tmp.resolve("bad"));
    String topLayer = lastLegacyLayer(dir);
    Files.write(dir.resolve(topLayer), SampleLayers.single("not the promised layer"));
    refused(CorruptException.class, dir, "manifest.json[0] layer 1 '" + topLayer + "' is not the layer rootfs.diff_ids[1]");
  }

  @Test
  void load_configDiffIdsDisagreeWithLayers_throwsCorrupt() throws Exception {
    SampleImage honest = SampleImage.twoLayers("bad:1");
    SampleImage lying = new SampleImage(List.of(SampleLayers.base(), SampleLayers.single("other")), honest.config(), honest.tags());
    Path dir = new ArchiveBuilder(Form.LEGACY).image(lying).writeDirectory(tmp.resolve("bad"));
    refused(CorruptException.class, dir,
        "manifest.json[0] layer 1 '" + lastLegacyLayer(dir) + "' is not the layer rootfs.diff_ids[1]");
  }

  @Test
  void load_manifestPathClimbingOut_throwsInvalidArgument() throws Exception {
    Path dir = legacyArchive();
    replaceLayerPath(dir, "../../etc/passwd");
    refused(InvalidArgumentException.class, dir, "manifest.json[0] layer 0 '../../etc/passwd' points outside the archive");
  }

  @Test
  void load_manifestPathAbsolute_throwsInvalidArgument() throws Exception {
    Path dir = legacyArchive();
    replaceLayerPath(dir, "/etc/passwd");
    refused(InvalidArgumentException.class, dir, "manifest.json[0] layer 0 '/etc/passwd' points outside the archive");
  }

  @Test
  void load_manifestPathWithControlBytes_throwsInvalidArgumentNamingItEscaped() throws Exception {
    Path dir = legacyArchive();
    replaceLayerPath(dir, "../\\u001b[2J\\nforged log line");
    refused(InvalidArgumentException.class, dir,
        "manifest.json[0] layer 0 '../\\x1b[2J\\nforged log line' points outside the archive");
  }

  @Test
  void load_manifestPathClimbingOutOfATar_throwsInvalidArgument() throws Exception {
    Path dir = legacyArchive();
    replaceLayerPath(dir, "../../etc/passwd");
    refused(InvalidArgumentException.class, ArchiveBuilder.tarOf(dir, tmp.resolve("bad.tar"), false),
        "manifest.json[0] layer 0 '../../etc/passwd' points outside the archive");
  }

  @Test
  void load_malformedManifestJson_throwsCorrupt() throws Exception {
    Path dir = legacyArchive();
    Files.writeString(dir.resolve("manifest.json"), "[{\"Config\": \"abc.json\", \"Layers\": [");
    refused(CorruptException.class, dir, dir + ": manifest 'manifest.json' is not valid JSON");
  }

  @Test
  void load_malformedConfigJson_throwsCorrupt() throws Exception {
    Path dir = blobsArchive();
    SampleImage image = SampleImage.twoLayers();
    byte[] broken = "{\"rootfs\": {\"type\": \"layers\", \"diff_ids\": [".getBytes();
    Digest digest = Digest.sha256Of(broken);
    Files.write(dir.resolve("blobs/sha256/" + digest.hex()), broken);
    String manifest = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(dir.resolve("manifest.json"), manifest.replace(imageId(image).digest().hex(), digest.hex()));
    refused(CorruptException.class, dir, "config 'blobs/sha256/" + digest.hex() + "' is not valid JSON");
  }

  @Test
  void load_truncatedTar_throwsCorruptNamingTheEntryCut() throws Exception {
    byte[] whole = Files.readAllBytes(ArchiveBuilder.tarOf(blobsArchive(), tmp.resolve("whole.tar"), false));
    int cutAt = contentOf(whole, secondLayerBlob()) + 100;
    Path cut = Files.write(tmp.resolve("cut.tar"), Arrays.copyOf(whole, cutAt));
    refused(CorruptException.class, cut,
        "image archive " + cut + ": entry '" + secondLayerBlob() + "' is unreadable: Truncated TAR archive");
  }

  @Test
  void load_truncatedGzipTar_throwsCorruptNamingTheEntryAndWhereTheStreamEnds() throws Exception {
    byte[] whole = Files.readAllBytes(ArchiveBuilder.tarOf(blobsArchive(), tmp.resolve("whole.tar"), false));
    Path cut = Files.write(tmp.resolve("cut.tar.gz"), gzipCutShort(whole, contentOf(whole, secondLayerBlob()) + 100));
    refused(CorruptException.class, cut, "image archive " + cut + ": entry '" + secondLayerBlob()
        + "' is unreadable: the gzip stream ends early, after " + Files.size(cut) + " compressed bytes (");
  }

  @Test
  void load_legacyLayerGzipCutShort_throwsCorruptNamingTheLayerAndWhereTheStreamEnds() throws Exception {
    Path dir = legacyArchive();
    String topLayer = lastLegacyLayer(dir);
    byte[] layer = Files.readAllBytes(dir.resolve(topLayer));
    Files.write(dir.resolve(topLayer), gzipCutShort(layer, layer.length / 2));
    StorageException e = refused(CorruptException.class, dir, dir + " manifest.json[0] layer 1 '" + topLayer
        + "' is truncated or corrupt: the gzip stream ends early, after " + Files.size(dir.resolve(topLayer))
        + " compressed bytes (");
    assertFalse(e.getMessage().contains("is not the layer"), "a blob cut short is no wrong layer: " + e.getMessage());
  }

  @Test
  void load_layerCountNotMatchingDiffIds_throwsCorrupt() throws Exception {
    SampleImage image = SampleImage.twoLayers("bad:1");
    SampleImage short1 = new SampleImage(List.of(SampleLayers.base()), image.config(), image.tags());
    Path dir = new ArchiveBuilder(Form.OCI).image(short1).writeDirectory(tmp.resolve("bad"));
    refused(CorruptException.class, dir,
        "manifest sha256:" + ociManifest(dir) + " lists 1 layers but its config has 2 rootfs.diff_ids");
  }

  @Test
  void load_ociZstdLayerThatDoesNotDecompressToItsDiffId_throwsCorrupt() throws Exception {
    SampleImage image = SampleImage.twoLayers("bad:1");
    SampleImage lying = new SampleImage(List.of(SampleLayers.base(), SampleLayers.single("swapped")), image.config(), image.tags());
    Path dir = new ArchiveBuilder(Form.OCI).compression(LayerCompression.ZSTD).image(lying).writeDirectory(tmp.resolve("bad"));
    String zstdBlob = "blobs/sha256/" + ociLayers(dir).get(1);
    refused(CorruptException.class, dir, "index.json manifests[0] layer 1 '" + zstdBlob + "' is not the layer rootfs.diff_ids[1]");
  }

  @Test
  void load_secondImageBad_leavesTheFirstUnloadedToo() throws Exception {
    SampleImage good = SampleImage.of(List.of(SampleLayers.single("good")), "good", "good:1");
    SampleImage honest = SampleImage.twoLayers("bad:1");
    SampleImage lying = new SampleImage(List.of(SampleLayers.base(), SampleLayers.single("other")), honest.config(), honest.tags());
    Path dir = new ArchiveBuilder(Form.LEGACY).image(good).image(lying).writeDirectory(tmp.resolve("bad"));
    refused(CorruptException.class, dir,
        "manifest.json[1] layer 1 '" + lastLegacyLayer(dir) + "' is not the layer rootfs.diff_ids[1]");
  }

  @Test
  void load_hostileOuterTar_throwsCorrupt() throws Exception {
    Path tar = Files.write(tmp.resolve("evil.tar"),
        new RawTar().file("manifest.json", "[]").file("../../escape", "x").end());
    refused(CorruptException.class, tar, "image archive " + tar + ": entry '../../escape' escapes the archive");
  }

  @Test
  void load_hostileOuterTarEntryWithControlBytes_throwsCorruptNamingItEscaped() throws Exception {
    Path tar = Files.write(tmp.resolve("evil.tar"),
        new RawTar().file("manifest.json", "[]").file("../../\u001b]0;owned\u0007\tx", "x").end());
    refused(CorruptException.class, tar, "entry '../../\\x1b]0;owned\\x07\\tx' escapes the archive");
  }

  private StorageException refused(Class<? extends StorageException> type, Path archive, String messagePart)
      throws Exception {
    Path root = tmp.resolve("root");
    Map<String, String> outside = ground.outside(root);
    java.util.Set<String> storeFiles = storeFiles(root);
    StorageException e = assertThrows(type, () -> stores.archives.load(archive));
    assertEquals(outside, ground.outside(root), "the archive, the canary and everything beside the store are unchanged");
    assertEquals(storeFiles, storeFiles(root), "no file was added to or removed from the store");
    assertTrue(e.getMessage().contains(messagePart), () -> "message should name " + messagePart + ": " + e.getMessage());
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
    return e;
  }

  private Path blobsArchive() throws IOException {
    return new ArchiveBuilder(Form.BLOBS).image(SampleImage.twoLayers("bad:1")).writeDirectory(tmp.resolve("bad"));
  }

  private Path legacyArchive() throws IOException {
    return new ArchiveBuilder(Form.LEGACY).image(SampleImage.twoLayers("bad:1")).writeDirectory(tmp.resolve("bad"));
  }

  private static void replaceLayerPath(Path dir, String path) throws IOException {
    String manifest = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(dir.resolve("manifest.json"), manifest.replaceFirst("\"[0-9a-f]{64}/layer\\.tar\"",
        java.util.regex.Matcher.quoteReplacement("\"" + path + "\"")));
  }

  /** Every path in the store but the lock files a load takes. */
  private static java.util.Set<String> storeFiles(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      return walk.map(p -> root.relativize(p).toString()).filter(p -> !p.endsWith(".lock"))
          .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  private static String secondLayerBlob() {
    return "blobs/sha256/" + Digest.sha256Of(SampleLayers.second()).hex();
  }

  private static final java.util.regex.Pattern LEGACY_LAYER = java.util.regex.Pattern.compile("\"([0-9a-f]{64}/layer\\.tar)\"");

  /** The path of the last layer that a legacy archive's manifest.json lists. */
  private static String lastLegacyLayer(Path dir) throws IOException {
    java.util.regex.Matcher m = LEGACY_LAYER.matcher(Files.readString(dir.resolve("manifest.json")));
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    assertTrue(last != null, "manifest.json lists no layer");
    return last;
  }

  /** Where the content of the member called {@code name} starts in an uncompressed tar. */
  private static int contentOf(byte[] tar, String name) {
    byte[] field = Arrays.copyOf(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), name.length() + 1);
    for (int at = 0; at + 512 <= tar.length; at += 512) {
      if (Arrays.equals(tar, at, at + field.length, field, 0, field.length)) {
        return at + 512;
      }
    }
    throw new AssertionError("no member " + name + " in the tar");
  }

  /**
   * The first {@code length} bytes of {@code data}, gzip-compressed and flushed but never finished:
   * what a download or a copy cut short leaves, the stream stopping inside the deflate data.
   */
  private static byte[] gzipCutShort(byte[] data, int length) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, true);
    gz.write(data, 0, length);
    gz.flush();
    byte[] cut = out.toByteArray();
    gz.close(); // the trailer it writes now is past the cut
    return cut;
  }

  /** The hex digest of an OCI layout's first image manifest. */
  private static String ociManifest(Path dir) throws IOException {
    java.util.regex.Matcher m = DESCRIPTOR_DIGEST.matcher(Files.readString(dir.resolve("index.json")));
    assertTrue(m.find(), "index.json lists no manifest");
    return m.group(1);
  }

  /** The hex digests of the layers the OCI layout's first image manifest lists, in order. */
  private static List<String> ociLayers(Path dir) throws IOException {
    String manifest = Files.readString(dir.resolve("blobs/sha256/" + ociManifest(dir)));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("sha256:([0-9a-f]{64})")
        .matcher(manifest.substring(manifest.indexOf("\"layers\"")));
    List<String> layers = new java.util.ArrayList<>();
    while (m.find()) {
      layers.add(m.group(1));
    }
    return layers;
  }

  private Path ociArchive() throws IOException {
    return new ArchiveBuilder(Form.OCI).image(SampleImage.twoLayers("bad:1")).writeDirectory(tmp.resolve("bad"));
  }

  private static final java.util.regex.Pattern DESCRIPTOR_DIGEST =
      java.util.regex.Pattern.compile("\"digest\":\"sha256:([0-9a-f]{64})\",\"size\":(\\d+)");

  /** Edits the first image manifest of an OCI layout and re-addresses it, so only the edit is wrong. */
  private static void editOciManifest(Path dir, java.util.function.UnaryOperator<String> edit) throws IOException {
    String index = Files.readString(dir.resolve("index.json"));
    java.util.regex.Matcher m = DESCRIPTOR_DIGEST.matcher(index);
    assertTrue(m.find(), index);
    String manifest = edit.apply(Files.readString(dir.resolve("blobs/sha256/" + m.group(1))));
    byte[] bytes = manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Digest digest = Digest.sha256Of(bytes);
    Files.write(dir.resolve("blobs/sha256/" + digest.hex()), bytes);
    Files.writeString(dir.resolve("index.json"), index.replace(m.group(0),
        "\"digest\":\"" + digest + "\",\"size\":" + bytes.length));
  }

  @Test
  void load_manifestConfigPathClimbingOut_throwsInvalidArgument() throws Exception {
    Path dir = legacyArchive();
    String manifest = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(dir.resolve("manifest.json"),
        manifest.replaceFirst("\"Config\":\"[^\"]+\"", "\"Config\":\"../../canary/etc/passwd\""));
    refused(InvalidArgumentException.class, dir, "manifest.json[0] config '../../canary/etc/passwd' points outside the archive");
  }

  @Test
  void load_manifestConfigPathAbsolute_throwsInvalidArgument() throws Exception {
    Path dir = blobsArchive();
    String manifest = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(dir.resolve("manifest.json"),
        manifest.replaceFirst("\"Config\":\"[^\"]+\"", "\"Config\":\"" + canary.resolve("passwd") + "\""));
    refused(InvalidArgumentException.class, dir,
        "manifest.json[0] config '" + canary.resolve("passwd") + "' points outside the archive");
  }

  @Test
  void load_ociIndexDigestThatIsAPath_throwsCorrupt() throws Exception {
    Path dir = ociArchive();
    String index = Files.readString(dir.resolve("index.json"));
    Files.writeString(dir.resolve("index.json"), index.replaceFirst("sha256:[0-9a-f]{64}", "sha256:../../../etc/passwd"));
    refused(CorruptException.class, dir,
        "index.json manifests[0] digest: 'sha256:../../../etc/passwd' is not a sha256:<64 hex digits> digest");
  }

  @Test
  void load_ociLayerDigestThatIsAPath_throwsCorrupt() throws Exception {
    Path dir = ociArchive();
    editOciManifest(dir, m -> m.replaceFirst("(\"layers\":\\[\\{[^}]*\"digest\":\")sha256:[0-9a-f]{64}",
        "$1sha256:../../../canary/etc/passwd"));
    refused(CorruptException.class, dir,
        "layers[0] digest: 'sha256:../../../canary/etc/passwd' is not a sha256:<64 hex digits> digest");
  }

  @Test
  void load_ociConfigDigestThatIsAPath_throwsCorrupt() throws Exception {
    Path dir = ociArchive();
    editOciManifest(dir, m -> m.replaceFirst("(\"config\":\\{[^}]*\"digest\":\")sha256:[0-9a-f]{64}",
        "$1sha256:/etc/passwd"));
    refused(CorruptException.class, dir, "config digest: 'sha256:/etc/passwd' is not a sha256:<64 hex digits> digest");
  }

  @Test
  void load_ociLayerDigestWithOtherAlgorithmAndSlashes_throwsUnsupported() throws Exception {
    Path dir = ociArchive();
    editOciManifest(dir, m -> m.replaceFirst("(\"layers\":\\[\\{[^}]*\"digest\":\")sha256:[0-9a-f]{64}",
        "$1sha512/../../../canary:x"));
    refused(dev.strata.driver.error.UnsupportedException.class, dir,
        "layers[0]: digest 'sha512/../../../canary:x' uses an algorithm other than sha256");
  }

  @Test
  void load_ociLayerNotMatchingItsDigest_throwsCorrupt() throws Exception {
    Path dir = ociArchive();
    Path layer = dir.resolve("blobs/sha256/" + Digest.sha256Of(SampleLayers.second()).hex());
    byte[] bytes = Files.readAllBytes(layer);
    bytes[700] ^= 0x20;
    Files.write(layer, bytes);
    refused(CorruptException.class, dir, "blob '" + secondLayerBlob() + "' hashes to ");
  }

  @Test
  void load_ociLayerSizeLying_throwsCorrupt() throws Exception {
    Path dir = ociArchive();
    long size = SampleLayers.second().length;
    editOciManifest(dir, m -> m.replace("\"size\":" + size + "}", "\"size\":" + (size - 512) + "}"));
    refused(CorruptException.class, dir,
        "blob '" + secondLayerBlob() + "' has " + size + " bytes but its descriptor says " + (size - 512));
  }

  @Test
  void load_manifestJsonSymlinkedOutOfTheDirectory_throwsInvalidArgument() throws Exception {
    Path dir = legacyArchive();
    Files.move(dir.resolve("manifest.json"), canary.resolve("manifest.json"));
    Files.createSymbolicLink(dir.resolve("manifest.json"), canary.resolve("manifest.json"));
    refused(InvalidArgumentException.class, dir, dir + ": 'manifest.json' resolves through a symlink to ");
  }

  @Test
  void load_manifestJsonSymlinkInATarPointingOut_throwsCorrupt() throws Exception {
    Path dir = legacyArchive();
    Files.delete(dir.resolve("manifest.json"));
    Files.createSymbolicLink(dir.resolve("manifest.json"), Path.of("../../canary/etc/passwd"));
    Path tar = ArchiveBuilder.tarOf(dir, tmp.resolve("bad.tar"), false);
    refused(CorruptException.class, tar,
        "symlink 'manifest.json' -> '../../canary/etc/passwd' points outside the archive");
  }

  @Test
  void load_layerSymlinkedToOutsideFile_throwsInvalidArgument() throws Exception {
    Path dir = blobsArchive();
    Path layer = dir.resolve("blobs/sha256/" + Digest.sha256Of(SampleLayers.second()).hex());
    Files.copy(layer, canary.resolve("layer.tar"));
    Files.delete(layer);
    Files.createSymbolicLink(layer, canary.resolve("layer.tar"));
    refused(InvalidArgumentException.class, dir, "'" + secondLayerBlob() + "' resolves through a symlink to ");
  }

  @Test
  void load_directoryWhereManifestJsonExpected_throwsCorrupt() throws Exception {
    Path dir = legacyArchive();
    Files.delete(dir.resolve("manifest.json"));
    Files.createDirectory(dir.resolve("manifest.json"));
    refused(CorruptException.class, dir, "manifest 'manifest.json' is a directory or special file");
  }

  @Test
  void load_directoryWhereLayerExpected_throwsCorrupt() throws Exception {
    Path dir = blobsArchive();
    Path layer = dir.resolve("blobs/sha256/" + Digest.sha256Of(SampleLayers.second()).hex());
    Files.delete(layer);
    Files.createDirectory(layer);
    refused(CorruptException.class, dir, "manifest.json[0] layer 1 '" + secondLayerBlob() + "' is a directory or special file");
  }

  @Test
  void load_directoryWhereLayerExpectedInATar_throwsCorrupt() throws Exception {
    Path dir = blobsArchive();
    Path layer = dir.resolve("blobs/sha256/" + Digest.sha256Of(SampleLayers.second()).hex());
    Files.delete(layer);
    Files.createDirectories(layer.resolve("inner"));
    refused(CorruptException.class, ArchiveBuilder.tarOf(dir, tmp.resolve("bad.tar"), false),
        "manifest.json[0] layer 1 '" + secondLayerBlob() + "' is a directory or special file");
  }

  @Test
  void load_honestArchiveWithHostileLayer_throwsCorruptAndWritesNothingOutside() throws Exception {
    byte[] hostile = new RawTar().file("../../canary/etc/passwd", "pwned").end();
    SampleImage image = SampleImage.of(List.of(SampleLayers.base(), hostile), "hostile", "bad:1");
    refused(CorruptException.class, new ArchiveBuilder(Form.OCI).image(image).writeDirectory(tmp.resolve("bad")),
        "entry '../../canary/etc/passwd' (offset 0) escapes the layer root");
  }

  @Test
  void load_outerTarWithSymlinkThenWriteThrough_throwsCorrupt() throws Exception {
    Path tar = Files.write(tmp.resolve("evil.tar"), new RawTar().symlink("blobs", canary.toString())
        .file("blobs/etc/passwd", "pwned").file("manifest.json", "[]").end());
    refused(CorruptException.class, tar, "symlink 'blobs' -> '" + canary + "' points outside the archive");
  }

  @Test
  void load_outerTarWithHardlinkToOutside_throwsCorrupt() throws Exception {
    Path tar = Files.write(tmp.resolve("evil.tar"),
        new RawTar().hardlink("manifest.json", "../../canary/etc/passwd").end());
    refused(CorruptException.class, tar, "hardlink 'manifest.json' -> '../../canary/etc/passwd' points outside the archive");
  }
}
