package dev.strata.image;

import static dev.strata.image.SampleImageIds.diffIds;
import static dev.strata.image.SampleImageIds.imageId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.layer.ChainId;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive writer over a fake layer source: layout, byte-exactness, and reading its output back. */
class ArchiveWriterTest {

  @TempDir Path tmp;

  private final Map<ChainId, byte[]> layers = new HashMap<>();
  private int exports;

  @Test
  void write_tar_readsBackAsBothDockerArchiveAndOciLayout() throws Exception {
    SampleImage one = SampleImage.twoLayers("busybox:latest", "busybox:1.36");
    SampleImage two = SampleImage.of(List.of(SampleLayers.base(), SampleLayers.single("two")), "two");
    Path tar = writeTar(List.of(saved(one), saved(two)));

    try (ArchiveTree tree = ArchiveTree.open(tar, tmp.resolve("tmp"))) {
      List<ArchiveImage> docker = DockerArchiveReader.read(tree);
      List<ArchiveImage> oci = OciLayoutReader.read(tree);
      for (List<ArchiveImage> read : List.of(docker, oci)) {
        assertEquals(2, read.size());
        assertArrayEquals(one.config(), read.get(0).config());
        assertArrayEquals(two.config(), read.get(1).config());
        assertEquals(List.of(Reference.parse("busybox:1.36"), Reference.parse("busybox:latest")), read.get(0).tags());
        assertEquals(List.of(), read.get(1).tags());
        ArchiveLoader.verifyBlobs(read);
        for (int i = 0; i < 2; i++) {
          assertEquals(diffIds(one).get(i), Digest.sha256Of(Files.readAllBytes(read.get(0).layers().get(i).file())));
        }
      }
    }
    assertEquals(3, exports, "the shared base layer is written once");
  }

  @Test
  void write_tar_hasDockerLayoutAndEndsCleanly() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path tar = writeTar(List.of(saved(image)));
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(e.getName());
      }
    }
    String id = imageId(image).digest().hex();
    assertTrue(names.containsAll(List.of("oci-layout", "blobs/", "blobs/sha256/", "blobs/sha256/" + id,
        "blobs/sha256/" + diffIds(image).get(0).hex(), "blobs/sha256/" + diffIds(image).get(1).hex(),
        "index.json", "manifest.json", "repositories")), names.toString());
    JsonNode manifest = new ObjectMapper().readTree(read(tar, "manifest.json"));
    assertEquals("blobs/sha256/" + id, manifest.get(0).get("Config").asText());
    assertEquals("app:v1", manifest.get(0).get("RepoTags").get(0).asText());
    assertEquals("blobs/sha256/" + diffIds(image).get(1).hex(), manifest.get(0).get("Layers").get(1).asText());
    JsonNode repositories = new ObjectMapper().readTree(read(tar, "repositories"));
    assertEquals(diffIds(image).get(1).hex(), repositories.get("app").get("v1").asText());
    JsonNode index = new ObjectMapper().readTree(read(tar, "index.json"));
    assertEquals("docker.io/library/app:v1",
        index.get("manifests").get(0).get("annotations").get("io.containerd.image.name").asText());
    assertEquals(0, Files.size(tar) % 512);
  }

  @Test
  void write_untaggedImage_hasNullRepoTags() throws Exception {
    Path tar = writeTar(List.of(saved(SampleImage.twoLayers())));
    assertNull(new ObjectMapper().readTree(read(tar, "manifest.json")).get(0).get("RepoTags").textValue());
  }

  @Test
  void write_sameImagesTwice_givesSameBytes() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    byte[] first = Files.readAllBytes(writeTar(List.of(saved(image))));
    Files.delete(tmp.resolve("out.tar"));
    assertArrayEquals(first, Files.readAllBytes(writeTar(List.of(saved(image)))));
  }

  @Test
  void write_layerExportNotMatchingDiffId_throwsCorrupt() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    SavedImage saved = saved(image);
    layers.put(ImageConfig.chainIds(diffIds(image)).get(1), SampleLayers.single("other"));
    OutputStream sink = new ByteArrayOutputStream();
    Path scratch = Files.createDirectories(tmp.resolve("scratch"));
    CorruptException e = assertThrows(CorruptException.class,
        () -> new ArchiveWriter(this::export, scratch).write(List.of(saved), new TarSink(sink)));
    assertTrue(e.getMessage().contains("not its DiffID"), e.getMessage());
    assertEquals(List.of(), Files.list(scratch).toList(), "scratch files are removed");
  }

  @Test
  void write_directory_isALoadableLayout() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path scratch = Files.createDirectories(tmp.resolve("scratch"));
    Path dir = Files.createDirectories(tmp.resolve("layout"));
    new ArchiveWriter(this::export, scratch).write(List.of(saved(image)), new DirectorySink(dir));
    try (ArchiveTree tree = ArchiveTree.open(dir, tmp.resolve("tmp"))) {
      List<ArchiveImage> read = OciLayoutReader.read(tree);
      ArchiveLoader.verifyBlobs(read);
      assertArrayEquals(image.config(), read.get(0).config());
    }
  }

  private SavedImage saved(SampleImage image) throws IOException {
    List<ChainId> chains = ImageConfig.chainIds(diffIds(image));
    for (int i = 0; i < chains.size(); i++) {
      layers.put(chains.get(i), image.layers().get(i));
    }
    List<Reference> tags = new ArrayList<>();
    for (String tag : image.tags()) {
      tags.add(Reference.parse(tag));
    }
    return new SavedImage(imageId(image), image.config(), diffIds(image), tags.stream().sorted().toList());
  }

  private void export(ChainId chain, OutputStream out) throws IOException {
    exports++;
    out.write(layers.get(chain));
  }

  private Path writeTar(List<SavedImage> images) throws IOException {
    Path scratch = Files.createDirectories(tmp.resolve("scratch"));
    Path tar = tmp.resolve("out.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      new ArchiveWriter(this::export, scratch).write(images, new TarSink(out));
    }
    return tar;
  }

  private static byte[] read(Path tar, String name) throws IOException {
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getName().equals(name)) {
          return in.readAllBytes();
        }
      }
    }
    throw new AssertionError(name + " not in " + tar);
  }
}
