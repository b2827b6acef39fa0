package dev.strata.image;

import static dev.strata.image.SampleImageIds.diffIds;
import static dev.strata.image.SampleImageIds.imageId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.driver.Digest;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.LayerCompression;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ImageArchivesSaveTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(Form.class)
  void save_loadedImage_reloadsIntoAFreshStoreWithTheSameIdAndDiffIds(Form form) throws Exception {
    SampleImage image = SampleImage.twoLayers("busybox:latest");
    Path saved = tmp.resolve("saved.tar");
    Image original;
    try (Stores s = Stores.open(tmp.resolve("one"))) {
      original = s.archives.load(new ArchiveBuilder(form).compression(form == Form.OCI ? LayerCompression.GZIP : LayerCompression.PLAIN)
          .image(image).writeTar(Files.createDirectories(tmp.resolve("in")), false)).get(0);
      var counts = s.layerCounts();
      try (OutputStream out = Files.newOutputStream(saved)) {
        s.archives.save(List.of("busybox"), out);
      }
      assertEquals(counts, s.layerCounts(), "saving holds references only while it runs");
    }
    try (Stores s = Stores.open(tmp.resolve("two"))) {
      Image reloaded = s.archives.load(saved).get(0);
      assertEquals(original.id(), reloaded.id());
      assertEquals(diffIds(image), reloaded.diffIds());
      assertEquals(List.of(Reference.parse("busybox")), reloaded.tags());
      assertArrayEquals(image.config(), s.images.config(reloaded.id()));
    }
  }

  @Test
  void save_layersWithNamesNotUtf8_giveBackTheirBytes() throws Exception {
    byte[] pax = new LayerTarBuilder().namesAsBytes()
        .file("caf\u00e9", "latin-1 name", 0644)
        .file("invalid-utf8-\u00ff\u00fe", "not UTF-8", 0644)
        // Decoded as UTF-8, both names would be one and the same: "\ufffd".
        .file("\u00ff", "the byte ff", 0644)
        .file("\u00fe", "the byte fe", 0644).build();
    byte[] gnu = new LayerTarBuilder().namesAsBytes().gnuLongNames()
        .file("lone-\u0080-" + "x".repeat(120), "a GNU long name", 0644).build();
    SampleImage image = SampleImage.of(List.of(pax, gnu), "names", "names:v1");
    Path saved = tmp.resolve("saved.tar");
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      s.archives.load(new ArchiveBuilder(Form.OCI).image(image).writeDirectory(tmp.resolve("in")));
      try (OutputStream out = Files.newOutputStream(saved)) {
        s.archives.save(List.of("names:v1"), out);
      }
    }
    Map<String, byte[]> blobs = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(saved))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isFile()) {
          blobs.put(e.getName(), in.readAllBytes());
        }
      }
    }
    assertArrayEquals(pax, blobs.get("blobs/sha256/" + Digest.sha256Of(pax).hex()));
    assertArrayEquals(gnu, blobs.get("blobs/sha256/" + Digest.sha256Of(gnu).hex()));
  }

  @Test
  void save_layerEntries_hashToTheirDiffIds() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path saved = tmp.resolve("saved.tar");
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      s.archives.load(new ArchiveBuilder(Form.OCI).compression(LayerCompression.ZSTD).image(image).writeDirectory(tmp.resolve("in")));
      try (OutputStream out = Files.newOutputStream(saved)) {
        s.archives.save(List.of("app:v1"), out);
      }
    }
    Map<String, Digest> entries = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(saved))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isFile()) {
          entries.put(e.getName(), Digest.sha256Of(in.readAllBytes()));
        }
      }
    }
    for (Digest diffId : diffIds(image)) {
      assertEquals(diffId, entries.get("blobs/sha256/" + diffId.hex()));
    }
    assertEquals(imageId(image).digest(), entries.get("blobs/sha256/" + imageId(image).digest().hex()));
  }

  @Test
  void save_byId_writesTheImageUntagged() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path saved = tmp.resolve("saved.tar");
    try (Stores s = Stores.open(tmp.resolve("one"))) {
      s.archives.load(new ArchiveBuilder(Form.BLOBS).image(image).writeDirectory(tmp.resolve("in")));
      try (OutputStream out = Files.newOutputStream(saved)) {
        s.archives.save(List.of(imageId(image).shortId()), out);
      }
    }
    try (Stores s = Stores.open(tmp.resolve("two"))) {
      assertEquals(List.of(), s.archives.load(saved).get(0).tags());
    }
  }

  @Test
  void save_unknownRef_throwsNotFoundAndWritesNothing() throws Exception {
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      Path out = tmp.resolve("out.tar");
      try (OutputStream stream = Files.newOutputStream(out)) {
        assertThrows(NotFoundException.class, () -> s.archives.save(List.of("nope:1"), stream));
      }
      assertEquals(0, Files.size(out));
    }
  }

  @Test
  void saveOciLayout_directory_reloadsAsOciLayout() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path layout = tmp.resolve("layout");
    try (Stores s = Stores.open(tmp.resolve("one"))) {
      s.archives.load(new ArchiveBuilder(Form.LEGACY).image(image).writeDirectory(tmp.resolve("in")));
      s.archives.saveOciLayout(List.of("app:v1"), layout);
      assertThrows(AlreadyExistsException.class, () -> s.archives.saveOciLayout(List.of("app:v1"), layout));
    }
    Files.delete(layout.resolve("manifest.json"));
    try (Stores s = Stores.open(tmp.resolve("two"))) {
      Image reloaded = s.archives.load(layout).get(0);
      assertEquals(imageId(image), reloaded.id());
      assertEquals(List.of(Reference.parse("app:v1")), reloaded.tags());
    }
  }

  @Test
  void save_twoImagesSharingABase_roundTripsBoth() throws Exception {
    SampleImage one = SampleImage.twoLayers("one:1");
    SampleImage two = SampleImage.of(List.of(SampleLayers.base(), SampleLayers.single("two")), "two", "two:2");
    Path saved = tmp.resolve("saved.tar.gz");
    try (Stores s = Stores.open(tmp.resolve("one"))) {
      s.archives.load(new ArchiveBuilder(Form.LEGACY).image(one).image(two).writeDirectory(tmp.resolve("in")));
      try (OutputStream file = Files.newOutputStream(saved);
           OutputStream gz = new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(file)) {
        s.archives.save(List.of("one:1", "two:2"), gz);
      }
    }
    try (Stores s = Stores.open(tmp.resolve("two"))) {
      List<Image> loaded = s.archives.load(saved);
      assertEquals(List.of(imageId(one), imageId(two)), loaded.stream().map(Image::id).toList());
      assertEquals(3, s.layers.layers().size());
    }
  }

}
