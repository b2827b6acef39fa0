package dev.strata.image;

import static dev.strata.image.SampleImageIds.diffIds;
import static dev.strata.image.SampleImageIds.imageId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.layer.ChainId;
import dev.strata.layer.InitHook;
import dev.strata.layer.LayerAudit;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {

  @TempDir Path tmp;

  @Test
  void add_registeredLayers_holdsOneReferenceOnTheTopLayerOnly() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage image = SampleImage.twoLayers();
      List<ChainId> chains = register(s, image);
      Image added = s.images.add(image.config(), List.of("busybox"));
      s.layers.release(chains.get(1)); // the registration's own reference, as a load drops it

      assertEquals(imageId(image), added.id());
      assertEquals(Optional.of(chains.get(1)), added.top());
      assertEquals(Instant.parse("2024-01-02T03:04:05.123456789Z"), added.created());
      assertEquals(1, s.layers.references(chains.get(1)));
      assertEquals(0, s.layers.references(chains.get(0)));
      assertTrue(Files.isRegularFile(s.layers.metadataRoot().resolve("imagedb/content/sha256/" + imageId(image).digest().hex())));
      assertTrue(Files.readString(s.layers.metadataRoot().resolve("repositories.json")).contains("\"busybox:latest\""));
    }
  }

  @Test
  void add_twoImagesOverTheSameLayers_holdOneReferenceEach() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage a = SampleImage.twoLayers();
      SampleImage b = SampleImage.of(a.layers(), "same layers, other config");
      List<ChainId> chains = register(s, a);
      s.images.add(a.config(), List.of("a"));
      s.images.add(b.config(), List.of("b"));
      s.images.add(b.config(), List.of("b:again"));
      s.layers.release(chains.get(1));
      assertEquals(2, s.layers.references(chains.get(1)));
      s.images.remove("a", false);
      assertEquals(1, s.layers.references(chains.get(1)));
      assertEquals(2, s.layers.layers().size());
    }
  }

  @Test
  void add_topLayerNotRegistered_throwsNotFoundAndAddsNothing() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      assertThrows(NotFoundException.class, () -> s.images.add(SampleImage.twoLayers().config(), List.of("x")));
      assertEquals(List.of(), s.images.images());
    }
  }

  @Test
  void add_invalidTag_throwsInvalidArgument() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage image = SampleImage.twoLayers();
      register(s, image);
      assertThrows(InvalidArgumentException.class, () -> s.images.add(image.config(), List.of("Busybox")));
      assertEquals(List.of(), s.images.images());
    }
  }

  @Test
  void add_notAConfig_throwsCorrupt() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      assertThrows(CorruptException.class, () -> s.images.add("{}".getBytes(StandardCharsets.UTF_8), List.of()));
    }
  }

  @Test
  void remove_tagOfImageWithOtherTags_onlyUntags() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage image = loaded(s, "busybox", "busybox:1.36");
      ImageRemoval removal = s.images.remove("busybox:latest", false);
      assertEquals(List.of(Reference.parse("busybox")), removal.untagged());
      assertEquals(List.of(), removal.deleted());
      assertEquals(List.of(Reference.parse("busybox:1.36")), s.images.get(imageId(image).toString()).tags());
    }
  }

  @Test
  void remove_lastTag_deletesImageAndItsLayers() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage image = loaded(s, "busybox");
      ImageRemoval removal = s.images.remove("busybox", false);
      assertEquals(List.of(imageId(image)), removal.deleted());
      assertEquals(2, removal.layersRemoved().size());
      assertEquals(List.of(), s.images.images());
      assertEquals(List.of(), s.layers.layers());
      assertFalse(Files.exists(s.layers.metadataRoot().resolve("imagedb/content/sha256/" + imageId(image).digest().hex())));
    }
  }

  @Test
  void remove_byIdWithSeveralTags_throwsFailedPreconditionUnlessForced() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage image = loaded(s, "a", "b");
      assertThrows(FailedPreconditionException.class, () -> s.images.remove(imageId(image).toString(), false));
      assertEquals(1, s.images.images().size());
      ImageRemoval removal = s.images.remove(imageId(image).shortId(), true);
      assertEquals(List.of(Reference.parse("a"), Reference.parse("b")), removal.untagged());
      assertEquals(List.of(imageId(image)), removal.deleted());
    }
  }

  @Test
  void remove_imageUsedByContainer_throwsFailedPreconditionUnlessForced() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage image = loaded(s, "busybox");
      ChainId top = s.images.get("busybox").top().orElseThrow();
      s.layers.writeLayers().create("web", Optional.of(top), InitHook.none(), Map.of());

      FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
          () -> s.images.remove("busybox", false));
      assertTrue(e.getMessage().contains("'web'"), e.getMessage());
      assertThrows(FailedPreconditionException.class, () -> s.images.remove(imageId(image).toString(), false));
      assertEquals(1, s.images.images().size());

      ImageRemoval removal = s.images.remove("busybox", true);
      assertEquals(List.of(imageId(image)), removal.deleted());
      assertEquals(List.of(), removal.layersRemoved(), "the container still sits on the layers");
      assertTrue(s.layers.get(top).isPresent());
    }
  }

  @Test
  void remove_unknown_throwsNotFound() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      assertThrows(NotFoundException.class, () -> s.images.remove("nope", false));
      assertThrows(NotFoundException.class, () -> s.images.remove("sha256:" + "0".repeat(64), false));
    }
  }

  @Test
  void find_byIdPrefixTagAndFullId_findTheSameImage() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage image = loaded(s, "busybox:1.36");
      assertEquals(imageId(image), s.images.get("busybox:1.36").id());
      assertEquals(imageId(image), s.images.get(imageId(image).toString()).id());
      assertEquals(imageId(image), s.images.get(imageId(image).shortId()).id());
      assertEquals(Optional.empty(), s.images.find("busybox"), "busybox means busybox:latest");
    }
  }

  @Test
  void find_ambiguousPrefix_throwsInvalidArgument() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      for (int i = 0; i < 40; i++) {
        SampleImage image = SampleImage.of(List.of(), "n" + i);
        s.images.add(image.config(), List.of());
      }
      Map<Character, Long> byFirst = new java.util.HashMap<>();
      for (Image image : s.images.images()) {
        byFirst.merge(image.id().digest().hex().charAt(0), 1L, Long::sum);
      }
      char shared = byFirst.entrySet().stream().filter(e -> e.getValue() > 1).findFirst().orElseThrow().getKey();
      assertThrows(InvalidArgumentException.class, () -> s.images.find(String.valueOf(shared)));
    }
  }

  @Test
  void add_imageWithoutLayers_isKeptWithoutAnyReference() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage empty = SampleImage.of(List.of(), "scratch");
      Image added = s.images.add(empty.config(), List.of("scratch-ish"));
      assertEquals(Optional.empty(), added.top());
      assertEquals(0, added.size());
      assertEquals(List.of(added.id()), s.images.remove("scratch-ish", false).deleted());
    }
  }

  @Test
  void tag_existingImage_addsTagThatSurvivesRestart() throws Exception {
    SampleImage image;
    try (Stores s = Stores.open(tmp)) {
      image = loaded(s, "busybox");
      s.images.tag("busybox", "registry.example.com:5000/tools/busybox:prod");
    }
    try (Stores s = Stores.open(tmp)) {
      assertEquals(List.of(Reference.parse("busybox"), Reference.parse("registry.example.com:5000/tools/busybox:prod")),
          s.images.get(imageId(image).toString()).tags());
      assertArrayEquals(image.config(), s.images.config(imageId(image)));
    }
  }

  @Test
  void open_afterACrash_sweepsStagingAndTemporariesAndIgnoresADamagedConfig() throws Exception {
    SampleImage image;
    try (Stores s = Stores.open(tmp)) {
      image = loaded(s, "busybox");
      SampleImage other = SampleImage.of(List.of(), "damaged");
      s.images.add(other.config(), List.of("damaged"));
    }
    Path meta;
    try (var layers = dev.strata.layer.LayerStore.open(dev.strata.layer.LayerStoreConfig.of(tmp, "vfs"))) {
      meta = layers.metadataRoot();
    }
    Path staging = Files.createDirectories(tmp.resolve("tmp").resolve("image-load-123"));
    Files.writeString(staging.resolve("manifest.json"), "[]");
    Files.writeString(meta.resolve(".tmp-repositories.json-1"), "half");
    Path damaged = meta.resolve("imagedb/content/sha256/" + imageId(SampleImage.of(List.of(), "damaged")).digest().hex());
    Files.writeString(damaged, "tampered");
    try (Stores s = Stores.open(tmp)) {
      assertFalse(Files.exists(staging));
      assertFalse(Files.exists(meta.resolve(".tmp-repositories.json-1")));
      assertEquals(List.of(imageId(image)), s.images.images().stream().map(Image::id).toList());
    }
  }

  @Test
  void images_listing_showsTagsIdCreatedSizeAndLayerCount() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage image = loaded(s, "busybox");
      Image listed = s.images.images().get(0);
      assertEquals(imageId(image), listed.id());
      assertEquals(List.of(Reference.parse("busybox")), listed.tags());
      assertEquals(2, listed.layerCount());
      long expected = 0;
      for (ChainId chain : listed.chainIds()) {
        expected += s.layers.get(chain).orElseThrow().size();
      }
      assertEquals(expected, listed.size());
      assertTrue(listed.size() > 0);
    }
  }

  @Test
  void close_thenUse_throwsIllegalState() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      s.images.close();
      s.images.close();
      assertThrows(IllegalStateException.class, () -> s.images.images());
    }
  }

  /** Registers the layers bottom-up and keeps only the registration's reference on the top one. */
  @Test
  void open_afterLoadKilledBetweenConfigAndTag_removesTheUntaggedImageAndItsLayers() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage kept = added(s, SampleImage.twoLayers(), "kept");
      SampleImage killed = SampleImage.of(List.of(SampleLayers.single("killed")), "killed");
      // A killed load: layer registered, journal and config written, the top retained, no tag yet.
      s.layers.register(new ByteArrayInputStream(killed.layers().get(0)), Optional.empty(),
          Optional.of(diffIds(killed).get(0)));
      ImageDb db = new ImageDb(s.layers.metadataRoot());
      db.beginAdd(List.of(imageId(killed)));
      db.writeConfig(imageId(killed), killed.config());
      s.layers.retain(ImageConfig.chainIds(diffIds(killed)).get(0));

      try (Stores reopened = s.reopen()) {
        assertEquals(List.of(imageId(kept)), reopened.images.images().stream().map(Image::id).toList());
        assertEquals(2, reopened.chainIds().size(), "only the kept image's layers stay: " + reopened.chainIds());
        assertTrue(reopened.chainIds().containsAll(ImageConfig.chainIds(diffIds(kept))));
        try (var journals = Files.list(s.layers.metadataRoot().resolve("imagedb"))) {
          assertEquals(List.of(), journals.filter(p -> p.getFileName().toString().startsWith("adding-")).toList());
        }
      }
    }
  }

  @Test
  void open_afterRmiKilledBetweenUntagAndDelete_finishesTheRemoval() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage kept = added(s, SampleImage.twoLayers(), "kept");
      SampleImage removed = added(s, SampleImage.of(List.of(SampleLayers.single("removed")), "removed"),
          "removed", "also");
      // A killed rmi: journal written, both tags gone from repositories.json, config still there.
      ImageDb db = new ImageDb(s.layers.metadataRoot());
      db.beginRemove(List.of(imageId(removed)));
      db.writeTags(Map.of(Reference.parse("kept"), imageId(kept)));

      try (Stores reopened = s.reopen()) {
        assertEquals(List.of(imageId(kept)), reopened.images.images().stream().map(Image::id).toList(),
            "the untagged image is gone, not left as <none>");
        assertEquals(Set.copyOf(ImageConfig.chainIds(diffIds(kept))), Set.copyOf(reopened.chainIds()),
            "its layer went with it");
        try (var journals = Files.list(s.layers.metadataRoot().resolve("imagedb"))) {
          assertEquals(List.of(), journals.filter(p -> p.getFileName().toString().startsWith("removing-")).toList());
        }
      }
    }
  }

  @Test
  void open_afterRmiKilledBeforeUntag_keepsTheImage() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage kept = added(s, SampleImage.twoLayers(), "kept");
      // A killed rmi that wrote its journal and nothing else.
      new ImageDb(s.layers.metadataRoot()).beginRemove(List.of(imageId(kept)));

      try (Stores reopened = s.reopen()) {
        assertEquals(List.of(Reference.parse("kept")), reopened.images.images().get(0).tags());
        assertEquals(2, reopened.chainIds().size(), "its layers stay: " + reopened.chainIds());
      }
    }
  }

  @Test
  void open_afterLoadKilledBeforeItsImageWasAdded_removesTheLayersItHeld() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage kept = added(s, SampleImage.twoLayers(), "kept");
      SampleImage killed = SampleImage.of(List.of(SampleLayers.single("killed")), "killed");
      // A killed load: its layer registered with the load's reference, no image, no release.
      s.layers.register(new ByteArrayInputStream(killed.layers().get(0)), Optional.empty(),
          Optional.of(diffIds(killed).get(0)));
      assertEquals(3, s.chainIds().size());

      try (Stores reopened = s.reopen()) {
        assertEquals(ImageConfig.chainIds(diffIds(kept)).stream().sorted((a, b) -> a.toString().compareTo(b.toString()))
            .toList(), reopened.chainIds());
        assertEquals(1, reopened.layers.references(ImageConfig.chainIds(diffIds(kept)).get(1)));
      }
    }
  }

  @Test
  void open_afterRmiKilledBeforeItReleasedTheLayer_removesTheImagesLayers() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage image = SampleImage.twoLayers();
      List<ChainId> chains = register(s, image);
      s.images.add(image.config(), List.of("busybox"));
      // Untagged and its config gone, its reference still counted: rmi killed before the release.
      new ImageDb(s.layers.metadataRoot()).writeTags(Map.of());
      Files.delete(s.layers.metadataRoot().resolve("imagedb/content/sha256/" + imageId(image).digest().hex()));

      try (Stores reopened = s.reopen()) {
        assertEquals(List.of(), reopened.images.images());
        assertEquals(List.of(), reopened.chainIds());
      }
    }
  }

  @Test
  void open_afterReleaseKilledPartWayDownAStack_removesTheLayersLeftUnreferenced() throws Exception {
    try (Stores s = Stores.open(tmp)) {
      SampleImage image = SampleImage.of(List.of(SampleLayers.single("base")), "base");
      ChainId base = s.layers.register(new ByteArrayInputStream(image.layers().get(0)), Optional.empty(),
          Optional.of(diffIds(image).get(0))).chainId();
      // No reference, nothing on it: what a release killed after removing the layer above leaves.
      s.layers.audit().setReferences(base, 0);
      assertEquals(List.of(base), s.chainIds());

      try (Stores reopened = s.reopen()) {
        assertEquals(List.of(), reopened.chainIds());
      }
    }
  }

  /** The image registered and added with {@code tags}, its top layer held by the image alone. */
  private static SampleImage added(Stores s, SampleImage image, String... tags) throws Exception {
    List<ChainId> chains = register(s, image);
    s.images.add(image.config(), List.of(tags));
    s.layers.release(chains.get(chains.size() - 1));
    return image;
  }

  private static List<ChainId> register(Stores s, SampleImage image) throws Exception {
    Optional<ChainId> parent = Optional.empty();
    List<ChainId> chains = ImageConfig.chainIds(diffIds(image));
    for (int i = 0; i < chains.size(); i++) {
      s.layers.register(new ByteArrayInputStream(image.layers().get(i)), parent, Optional.of(diffIds(image).get(i)));
      parent = Optional.of(chains.get(i));
    }
    for (int i = 0; i < chains.size() - 1; i++) {
      s.layers.release(chains.get(i));
    }
    return chains;
  }

  /** Registers the two-layer image as a load would, adds it with {@code tags}, and drops the registration's top reference. */
  private static SampleImage loaded(Stores s, String... tags) throws Exception {
    SampleImage image = SampleImage.twoLayers(tags);
    List<ChainId> chains = register(s, image);
    s.images.add(image.config(), List.of(tags));
    s.layers.release(chains.get(chains.size() - 1));
    return image;
  }
}
