package dev.strata.image;

import static dev.strata.image.SampleImageIds.diffIds;
import static dev.strata.image.SampleImageIds.imageId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Digest;
import dev.strata.layer.ChainId;
import dev.strata.layer.InitHook;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerBlob;
import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.LayerCompression;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ImageArchivesLoadTest {

  enum Packaging { DIRECTORY, TAR, TAR_GZ }

  @TempDir Path tmp;

  static Stream<Arguments> formsAndPackagings() {
    return Stream.of(Form.values()).flatMap(f -> Stream.of(Packaging.values()).map(p -> Arguments.of(f, p)));
  }

  @ParameterizedTest
  @MethodSource("formsAndPackagings")
  void load_archive_listsImageWithTagsAndRegistersItsLayers(Form form, Packaging packaging) throws Exception {
    SampleImage image = SampleImage.twoLayers("busybox:latest", "busybox:1.36");
    Path archive = write(new ArchiveBuilder(form).image(image), packaging);
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      List<Image> loaded = s.archives.load(archive);

      assertEquals(1, loaded.size());
      Image img = loaded.get(0);
      assertEquals(imageId(image), img.id());
      assertEquals(diffIds(image), img.diffIds());
      assertEquals(List.of(Reference.parse("busybox:1.36"), Reference.parse("busybox:latest")), img.tags());
      assertEquals(2, img.layerCount());
      assertEquals(List.of(img), s.images.images());
      assertArrayEquals(image.config(), s.images.config(img.id()));

      List<ChainId> chains = ImageConfig.chainIds(diffIds(image));
      assertEquals(Optional.of(chains.get(1)), img.top());
      Layer base = s.layers.get(chains.get(0)).orElseThrow();
      Layer top = s.layers.get(chains.get(1)).orElseThrow();
      assertEquals(diffIds(image).get(0), base.diffId());
      assertEquals(diffIds(image).get(1), top.diffId());
      assertEquals(Optional.of(chains.get(0)), top.parent());
      assertEquals(2, s.layers.layers().size());
      assertEquals(1, s.layers.references(top.chainId()), "the image holds one reference on its top layer");
      assertEquals(0, s.layers.references(base.chainId()), "the base is kept by its child, not by a reference");
      assertEquals(base.size() + top.size(), img.size());
    }
    assertNoStagingLeft();
  }

  @ParameterizedTest
  @EnumSource(LayerCompression.class)
  void load_ociLayerCompressed_reExportsTheUncompressedBytes(LayerCompression compression) throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path archive = write(new ArchiveBuilder(Form.OCI).compression(compression).image(image), Packaging.TAR);
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      s.archives.load(archive);
      List<ChainId> chains = ImageConfig.chainIds(diffIds(image));
      for (int i = 0; i < 2; i++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.layers.export(chains.get(i), out);
        assertArrayEquals(image.layers().get(i), out.toByteArray());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(LayerCompression.class)
  void load_ociLayout_recordsEachCompressedBlobForPush(LayerCompression compression) throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path archive = write(new ArchiveBuilder(Form.OCI).compression(compression).image(image), Packaging.DIRECTORY);
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      s.archives.load(archive);
      List<ChainId> chains = ImageConfig.chainIds(diffIds(image));
      for (int i = 0; i < 2; i++) {
        byte[] blob = compression.compress(image.layers().get(i));
        List<LayerBlob> expected = switch (compression) {
          case PLAIN -> List.of(); // a plain tar is no blob a push could name instead of its own
          case GZIP, ZSTD -> List.of(new LayerBlob(Digest.sha256Of(blob), MediaTypes.OCI_LAYER + "+"
              + compression.name().toLowerCase(java.util.Locale.ROOT), blob.length, Optional.empty()));
        };
        assertEquals(expected, s.layers.blobs(chains.get(i)), "layer " + i);
      }
    }
  }

  @Test
  void load_nestedIndexWithDockerMediaTypes_loadsTheAmd64Image() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    Path archive = write(new ArchiveBuilder(Form.OCI).nestedIndex().dockerMediaTypes()
        .compression(LayerCompression.GZIP).image(image), Packaging.DIRECTORY);
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      assertEquals(imageId(image), s.archives.load(archive).get(0).id());
      assertEquals(imageId(image), s.images.get("app:v1").id());
    }
  }

  @Test
  void load_twoLayerImage_containerSeesWhiteoutAndOpaqueDirectoryApplied() throws Exception {
    SampleImage image = SampleImage.twoLayers("app:v1");
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      Image img = s.archives.load(write(new ArchiveBuilder(Form.OCI).compression(LayerCompression.GZIP).image(image),
          Packaging.TAR)).get(0);
      s.layers.writeLayers().create("c1", img.top(), InitHook.none(), Map.of());
      Path rootfs = s.layers.writeLayers().mount("c1");
      try {
        assertFalse(Files.exists(rootfs.resolve("x"), LinkOption.NOFOLLOW_LINKS), "/x is whited out");
        try (Stream<Path> opt = Files.list(rootfs.resolve("opt"))) {
          assertEquals(List.of("new"), opt.map(p -> p.getFileName().toString()).toList(), "/opt is opaque");
        }
        assertEquals("hello from layer two\n", Files.readString(rootfs.resolve("etc/motd")));
        assertEquals("base\n", Files.readString(rootfs.resolve("etc/hostname")));
      } finally {
        s.layers.writeLayers().unmount("c1");
      }
    }
  }

  @Test
  void load_twice_keepsOneImageAndExactCounts() throws Exception {
    SampleImage image = SampleImage.twoLayers("busybox");
    Path archive = write(new ArchiveBuilder(Form.BLOBS).image(image), Packaging.TAR);
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      s.archives.load(archive);
      var before = s.layerCounts();
      s.archives.load(archive);
      assertEquals(before, s.layerCounts());
      assertEquals(1, s.images.images().size());
      assertEquals(2, s.layers.layers().size());
    }
  }

  @Test
  void load_sameImageFromAnotherFormWithMoreTags_addsTags() throws Exception {
    SampleImage first = SampleImage.twoLayers("busybox");
    SampleImage again = new SampleImage(first.layers(), first.config(), List.of("busybox:stable"));
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      s.archives.load(new ArchiveBuilder(Form.LEGACY).image(first).writeTar(Files.createDirectories(tmp.resolve("a")), false));
      s.archives.load(new ArchiveBuilder(Form.OCI).image(again).writeTar(Files.createDirectories(tmp.resolve("b")), true));
      assertEquals(List.of(Reference.parse("busybox:latest"), Reference.parse("busybox:stable")),
          s.images.get("busybox").tags());
      assertEquals(1, s.layers.references(s.images.get("busybox").top().orElseThrow()));
    }
  }

  @Test
  void load_severalImagesSharingABase_eachHoldsItsTop() throws Exception {
    SampleImage one = SampleImage.twoLayers("one:1");
    SampleImage two = SampleImage.of(List.of(SampleLayers.base(), SampleLayers.single("two")), "two", "two:2");
    Path archive = write(new ArchiveBuilder(Form.LEGACY).image(one).image(two), Packaging.TAR);
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      List<Image> loaded = s.archives.load(archive);
      assertEquals(List.of(imageId(one), imageId(two)), loaded.stream().map(Image::id).toList());
      assertEquals(3, s.layers.layers().size());
      assertEquals(1, s.layers.references(loaded.get(0).top().orElseThrow()));
      assertEquals(1, s.layers.references(loaded.get(1).top().orElseThrow()));
      assertEquals(0, s.layers.references(new ChainId(diffIds(one).get(0))));
    }
  }

  @Test
  void load_tagHeldByAnotherImage_movesTagAndKeepsTheOldImageUntagged() throws Exception {
    SampleImage old = SampleImage.of(List.of(SampleLayers.single("old")), "old", "app:v1");
    SampleImage fresh = SampleImage.of(List.of(SampleLayers.single("new")), "new", "app:v1");
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      s.archives.load(write(new ArchiveBuilder(Form.BLOBS).image(old), Packaging.DIRECTORY, "a"));
      s.archives.load(write(new ArchiveBuilder(Form.BLOBS).image(fresh), Packaging.DIRECTORY, "b"));
      assertEquals(imageId(fresh), s.images.get("app:v1").id());
      assertEquals(List.of(), s.images.get(imageId(old).toString()).tags());
      assertEquals(2, s.images.images().size());
    }
  }

  @Test
  void load_thenRestart_restoresImagesTagsAndCounts() throws Exception {
    SampleImage image = SampleImage.twoLayers("busybox", "example.com/x/y:2");
    Path archive = write(new ArchiveBuilder(Form.OCI).compression(LayerCompression.ZSTD).image(image), Packaging.TAR);
    Path root = tmp.resolve("root");
    List<Image> before;
    var counts = new java.util.TreeMap<String, Integer>();
    try (Stores s = Stores.open(root)) {
      s.archives.load(archive);
      before = s.images.images();
      counts.putAll(s.layerCounts());
    }
    try (Stores s = Stores.open(root)) {
      assertEquals(before, s.images.images());
      assertEquals(counts, s.layerCounts());
      assertArrayEquals(image.config(), s.images.config(imageId(image)));
    }
  }

  @Test
  void load_exportOfEachLayer_hashesToItsDiffId() throws Exception {
    SampleImage image = SampleImage.twoLayers("busybox");
    try (Stores s = Stores.open(tmp.resolve("root"))) {
      Image img = s.archives.load(write(new ArchiveBuilder(Form.LEGACY).image(image), Packaging.TAR_GZ)).get(0);
      for (int i = 0; i < img.layerCount(); i++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.layers.export(img.chainIds().get(i), out);
        assertEquals(img.diffIds().get(i), Digest.sha256Of(out.toByteArray()));
      }
    }
  }

  private Path write(ArchiveBuilder builder, Packaging packaging) throws Exception {
    return write(builder, packaging, "archive");
  }

  private Path write(ArchiveBuilder builder, Packaging packaging, String name) throws Exception {
    Path scratch = Files.createDirectories(tmp.resolve(name));
    return switch (packaging) {
      case DIRECTORY -> builder.writeDirectory(scratch.resolve("dir"));
      case TAR -> builder.writeTar(scratch, false);
      case TAR_GZ -> builder.writeTar(scratch, true);
    };
  }

  private void assertNoStagingLeft() throws Exception {
    Path staging = tmp.resolve("root").resolve("tmp");
    if (Files.isDirectory(staging)) {
      try (var left = Files.list(staging)) {
        assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("image-")), "staging cleaned");
      }
    }
  }
}
