package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** load, import, images, rmi and save through the command. */
class ImageCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void load_ociLayoutDirectory_printsLoadedTag() throws Exception {
    Path root = tmp.resolve("root");
    Path layout = new ArchiveBuilder(Form.OCI).image(AppImage.image()).writeDirectory(tmp.resolve("layout"));

    Cli.Result r = Cli.ok(root, "load", "-i", layout.toString());

    assertEquals(List.of("Loaded image: test/app:1.0"), r.lines());
    assertEquals(AppImage.id(), images(root).get(0).get("image_id").asText());
  }

  @Test
  void load_untaggedImage_printsLoadedImageId() throws Exception {
    Path root = tmp.resolve("root");
    Path archive = AppImage.dockerArchive(tmp.resolve("app.tar"));
    Cli.ok(root, "load", "-i", archive.toString());
    Cli.ok(root, "save", "-o", tmp.resolve("by-id.tar").toString(), AppImage.id());

    Cli.Result r = Cli.ok(tmp.resolve("fresh"), "load", "-i", tmp.resolve("by-id.tar").toString());

    assertEquals(List.of("Loaded image ID: " + AppImage.id()), r.lines());
  }

  @Test
  void images_formatJson_parsesWithFullIdsAndByteSizes() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());

    JsonNode images = images(root);

    assertEquals(1, images.size());
    JsonNode image = images.get(0);
    assertEquals("test/app", image.get("repository").asText());
    assertEquals("1.0", image.get("tag").asText());
    assertEquals(AppImage.id(), image.get("image_id").asText());
    assertEquals("2024-01-02T03:04:05.123456789Z", image.get("created").asText());
    assertTrue(image.get("size").isNumber());
    assertEquals(2, image.get("layers").asInt());
  }

  @Test
  void layers_formatJsonAndTree_showStackWithImage() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());

    JsonNode layers = JSON.readTree(Cli.ok(root, "--format", "json", "layers").out());
    List<String> tree = Cli.ok(root, "layers").lines();

    assertEquals(2, layers.size());
    assertEquals(AppImage.image().diffIds().get(0), layers.get(0).get("chain_id").asText());
    assertTrue(layers.get(0).get("parent").isNull());
    assertEquals(layers.get(0).get("chain_id"), layers.get(1).get("parent"));
    assertEquals(List.of("test/app:1.0"), JSON.convertValue(layers.get(1).get("images"), List.class));
    String base = AppImage.image().diffIds().get(0).substring("sha256:".length()).substring(0, 12);
    assertTrue(tree.get(0).startsWith(base + "  diff " + base), tree.toString());
    assertTrue(tree.get(1).startsWith("└── ") && tree.get(1).endsWith("image test/app:1.0"), tree.toString());
  }

  @Test
  void import_directory_makesOneLayerImageWithItsFiles() throws Exception {
    Path root = tmp.resolve("root");
    Path tree = Files.createDirectories(tmp.resolve("tree/etc"));
    Files.writeString(tree.resolve("motd"), "imported\n");
    Files.createDirectories(tmp.resolve("tree/usr/bin"));
    Files.writeString(tmp.resolve("tree/usr/bin/tool"), "#!/bin/sh\n");

    String id = Cli.ok(root, "import", tmp.resolve("tree").toString(), "--tag", "imported:1").lastLine();

    assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
    JsonNode image = images(root).get(0);
    assertEquals(id, image.get("image_id").asText());
    assertEquals("imported", image.get("repository").asText());
    assertEquals(1, image.get("layers").asInt());
    Cli.ok(root, "create", "--name", "c1", "imported:1");
    Path rootfs = Path.of(Cli.ok(root, "mount", "c1").lastLine());
    assertEquals("imported\n", Files.readString(rootfs.resolve("etc/motd")));
    assertTrue(Files.exists(rootfs.resolve("usr/bin/tool")));
    Cli.ok(root, "umount", "c1");
  }

  @Test
  void import_layerTar_keepsItsDiffId() throws Exception {
    Path root = tmp.resolve("root");
    Path tar = Files.write(tmp.resolve("layer.tar"), SampleLayers.base());

    Cli.Result r = Cli.ok(root, "import", tar.toString(), "-t", "base:latest");

    assertEquals("", r.err(), "a tar with entries is imported without a warning");
    JsonNode layers = JSON.readTree(Cli.ok(root, "--format", "json", "layers").out());
    assertEquals(AppImage.image().diffIds().get(0), layers.get(0).get("diff_id").asText());
    assertEquals("base", images(root).get(0).get("repository").asText());
  }

  /** An empty tar as docker import takes it (moby's DecompressStream: "just create an empty layer"), said on stderr. */
  @ParameterizedTest
  @ValueSource(strings = {"no bytes", "end blocks only", "gzip of end blocks"})
  void import_emptyTar_makesAnImageWithOneEmptyLayerAndWarns(String form) throws Exception {
    Path root = tmp.resolve("root");
    byte[] endBlocks = new byte[10240]; // what `tar cf x.tar -T /dev/null` writes
    byte[] bytes = switch (form) {
      case "no bytes" -> new byte[0];
      case "end blocks only" -> endBlocks;
      default -> gzip(endBlocks);
    };
    Path tar = Files.write(tmp.resolve("empty.tar"), bytes);

    Cli.Result r = Cli.ok(root, "import", tar.toString(), "-t", "empty:1");

    assertEquals("warning: nothing to import in " + tar + " (a tar without entries): the image has one empty layer,"
        + " as docker import makes\n", r.err());
    JsonNode image = images(root).get(0);
    assertEquals(r.lastLine(), image.get("image_id").asText());
    assertEquals(1, image.get("layers").asInt());
    JsonNode layers = JSON.readTree(Cli.ok(root, "--format", "json", "layers").out());
    assertEquals(1, layers.size());
    assertEquals(0, layers.get(0).get("size").asLong(), layers.toString());
  }

  @Test
  void import_emptyDirectory_makesAnImageWithOneEmptyLayerAndWarns() throws Exception {
    Path root = tmp.resolve("root");
    Path dir = Files.createDirectory(tmp.resolve("nothing"));

    Cli.Result r = Cli.ok(root, "import", dir.toString());

    assertEquals("warning: nothing to import in " + dir + " (an empty directory): the image has one empty layer,"
        + " as docker import makes\n", r.err());
    assertEquals(1, images(root).get(0).get("layers").asInt());
  }

  private static byte[] gzip(byte[] data) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void import_invalidTag_exitsInvalidArgumentAndRegistersNothing() throws Exception {
    Path root = tmp.resolve("root");
    Path tar = Files.write(tmp.resolve("layer.tar"), SampleLayers.base());

    Cli.Result r = Cli.run(root, "import", tar.toString(), "-t", "UPPER/Case");

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
    assertEquals(0, JSON.readTree(Cli.ok(root, "--format", "json", "layers").out()).size());
  }

  @Test
  void rmi_imageInUse_exitsFailedPreconditionThenWorksAfterRm() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    Cli.ok(root, "create", "--name", "c1", AppImage.TAG);

    Cli.Result refused = Cli.run(root, "rmi", AppImage.TAG);
    assertEquals(ExitCodes.FAILED_PRECONDITION, refused.exit(), refused.toString());
    assertEquals(1, refused.err().lines().count(), refused.err());
    assertTrue(refused.err().contains("c1"), refused.err());

    Cli.ok(root, "rm", "c1");
    Cli.Result removed = Cli.ok(root, "rmi", "-f", AppImage.TAG);
    assertEquals("Untagged: " + AppImage.TAG, removed.lines().get(0));
    assertEquals("Deleted: " + AppImage.id(), removed.lines().get(1));
    assertEquals(0, images(root).size());
    assertEquals(0, JSON.readTree(Cli.ok(root, "--format", "json", "layers").out()).size());
  }

  @Test
  void rmi_forceWhileInUse_removesImageAndContainerStillCommits() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    Cli.ok(root, "create", "--name", "c1", AppImage.TAG);

    Cli.ok(root, "rmi", "-f", AppImage.TAG);

    assertEquals(0, images(root).size());
    String id = Cli.ok(root, "commit", "c1", "rescued:1").lastLine();
    assertEquals(id, images(root).get(0).get("image_id").asText());
    assertEquals(3, images(root).get(0).get("layers").asInt());
  }

  @Test
  void load_corruptArchive_exitsCorruptWithOneLine() throws Exception {
    Path root = tmp.resolve("root");
    Path garbage = Files.writeString(tmp.resolve("garbage.tar"), "this is not a tar archive at all".repeat(40));

    Cli.Result r = Cli.run(root, "load", "-i", garbage.toString());

    assertEquals(ExitCodes.CORRUPT, r.exit(), r.toString());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("strata: "), r.err());
  }

  @Test
  void load_layerNotMatchingDiffId_exitsCorruptAndLoadsNothing() throws Exception {
    Path root = tmp.resolve("root");
    SampleImage lying = new SampleImage(List.of(SampleLayers.base(), SampleLayers.base()), AppImage.image().config(),
        List.of(AppImage.TAG));
    Path archive = new ArchiveBuilder(Form.LEGACY).image(lying).writeTar(tmp.resolve("bad.tar"));

    Cli.Result r = Cli.run(root, "load", "-i", archive.toString());

    assertEquals(ExitCodes.CORRUPT, r.exit(), r.toString());
    assertEquals(0, images(root).size());
  }

  @Test
  void load_missingFile_exitsNotFound() {
    Cli.Result r = Cli.run(tmp.resolve("root"), "load", "-i", tmp.resolve("nope.tar").toString());

    assertEquals(ExitCodes.NOT_FOUND, r.exit(), r.toString());
  }

  @Test
  void save_unknownImage_exitsNotFoundAndLeavesNoFile() {
    Path out = tmp.resolve("out.tar");

    Cli.Result r = Cli.run(tmp.resolve("root"), "save", "-o", out.toString(), "nothing:here");

    assertEquals(ExitCodes.NOT_FOUND, r.exit(), r.toString());
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(tmp.resolve(".out.tar.partial")));
  }

  private static JsonNode images(Path root) throws Exception {
    return JSON.readTree(Cli.ok(root, "--format", "json", "images").out());
  }
}
