package dev.strata.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.testing.ArchiveBuilder.Form;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveBuilderTest {

  @TempDir Path tmp;

  @Test
  void writeTar_file_leavesOnlyThatFile() throws IOException {
    Path tar = new ArchiveBuilder(Form.LEGACY).image(SampleImage.twoLayers("app:v1")).writeTar(tmp.resolve("app.tar"));

    assertEquals(tmp.resolve("app.tar"), tar);
    try (var left = Files.list(tmp)) {
      assertEquals(List.of(tar), left.toList());
    }
  }

  @Test
  void writeDirectory_oci_annotatesTagsInContainerdsFullForm() throws IOException {
    Path dir = new ArchiveBuilder(Form.OCI).image(SampleImage.twoLayers("busybox", "example.com/x/y:2"))
        .writeDirectory(tmp.resolve("layout"));

    String index = Files.readString(dir.resolve("index.json"));
    assertTrue(index.contains("\"io.containerd.image.name\":\"docker.io/library/busybox:latest\""), index);
    assertTrue(index.contains("\"org.opencontainers.image.ref.name\":\"latest\""), index);
    assertTrue(index.contains("\"io.containerd.image.name\":\"example.com/x/y:2\""), index);
  }

  @Test
  void writeDirectory_blobs_holdsConfigAndEachLayerByDigest() throws IOException {
    SampleImage image = SampleImage.twoLayers("app:v1");

    Path dir = new ArchiveBuilder(Form.BLOBS).compression(LayerCompression.GZIP).image(image)
        .writeDirectory(tmp.resolve("archive"));

    Path blobs = dir.resolve("blobs/sha256");
    assertTrue(Files.isRegularFile(blobs.resolve(image.id().substring(7))));
    for (byte[] layer : image.layers()) {
      byte[] blob = LayerCompression.GZIP.compress(layer);
      assertTrue(Files.isRegularFile(blobs.resolve(SampleImage.sha256(blob).substring(7))));
    }
  }
}
