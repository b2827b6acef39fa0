package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.driver.Digest;
import dev.strata.registry.FakeRegistry;
import dev.strata.registry.ManifestFormat;
import dev.strata.registry.TestImage;
import dev.strata.testing.ArchiveBuilder.Form;
import dev.strata.testing.ArchiveBuilder;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.SampleImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The operations the crash tests interrupt, written once into a directory: the image operations
 * here (load, pull, rmi of a big image: three layers of 2 MB, so an interruption can land while
 * they are applied or hashed, not only around them), the others in {@link ContainerScenarios} and
 * {@link VolumeScenarios}.
 */
final class CrashScenarios {

  static final String BIG_TAG = "test/big:1.0";
  private static final int BIG_LAYERS = 3;
  private static final int FILES_PER_LAYER = 8;
  private static final int FILE_SIZE = 256 * 1024;

  private final Path bigArchive;
  private final List<byte[]> bigLayers;
  private final byte[] bigConfig;
  private final String bigImageId;

  private CrashScenarios(Path bigArchive, List<byte[]> bigLayers, byte[] bigConfig) {
    this.bigArchive = bigArchive;
    this.bigLayers = bigLayers;
    this.bigConfig = bigConfig;
    this.bigImageId = Digest.sha256Of(bigConfig).toString();
  }

  /** Writes the archives the scenarios load into {@code dir}. */
  static CrashScenarios in(Path dir) throws IOException {
    List<byte[]> layers = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < BIG_LAYERS; i++) {
      int layer = i;
      LayerTarBuilder tar = new LayerTarBuilder().dir("big" + layer, 0755);
      for (int f = 0; f < FILES_PER_LAYER; f++) {
        tar.file("big" + layer + "/f" + f, bytes(random, FILE_SIZE), 0644);
      }
      layers.add(tar.build());
    }
    String ids = layers.stream().map(l -> "\"" + Digest.sha256Of(l) + "\"").collect(Collectors.joining(","));
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\","
        + "\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + ids + "]}}").getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(dir);
    Path archive = new ArchiveBuilder(Form.LEGACY).image(new SampleImage(layers, config, List.of(BIG_TAG)))
        .writeTar(dir.resolve("big.tar"));
    AppImage.dockerArchive(dir.resolve("app.tar"));
    return new CrashScenarios(archive, List.copyOf(layers), config);
  }

  /** What {@link CrashInjectionTest} kills. */
  List<CrashScenario> killed() {
    Path app = appArchive();
    return List.of(load(), ContainerScenarios.commit(app), ContainerScenarios.rm(app), rmi(),
        VolumeScenarios.volumeCreate(app), VolumeScenarios.volumeRm(app), ContainerScenarios.createWithVolumes(app));
  }

  /** What {@link PowerCutTest} cuts the power under; {@code registry} serves the pull. */
  List<CrashScenario> cut(FakeRegistry registry, Path authFile) {
    Path app = appArchive();
    return List.of(load(), pull(registry, authFile), ContainerScenarios.commit(app), ContainerScenarios.rm(app), rmi(),
        VolumeScenarios.volumeCreate(app), ContainerScenarios.createWithVolumes(app), VolumeScenarios.mountPopulating(app));
  }

  /** {@link AppImage}'s archive, which every scenario loads first. */
  private Path appArchive() {
    return bigArchive.resolveSibling("app.tar");
  }

  CrashScenario load() {
    return new AppScenario(appArchive(), "load", "loaded", "load", "-i", bigArchive.toString()) {
      @Override
      public String outcome(ListedRoot s) {
        return bigImage(s, BIG_TAG, "loaded", "not loaded");
      }
    };
  }

  /**
   * Pulls the big image from {@code registry} (plain HTTP on 127.0.0.1), which this call fills;
   * the credentials file named is never written, so no user's own is read.
   */
  CrashScenario pull(FakeRegistry registry, Path authFile) {
    registry.put("test/big", "1.0", TestImage.of(ManifestFormat.OCI, bigLayers, bigConfig));
    String ref = registry.host() + "/test/big:1.0";
    return new AppScenario(appArchive(), "pull", "pulled", "pull", "--insecure-registry", registry.host(), "--auth-file",
        authFile.toString(), ref) {
      @Override
      public String outcome(ListedRoot s) {
        return bigImage(s, ref, "pulled", "not pulled");
      }
    };
  }

  CrashScenario rmi() {
    return new AppScenario(appArchive(), "rmi", "removed", "rmi", BIG_TAG) {
      @Override
      public void prepare(ListedRoot s) throws IOException {
        super.prepare(s);
        s.ok("load", "-i", bigArchive.toString());
      }

      @Override
      public String outcome(ListedRoot s) {
        return bigImage(s, BIG_TAG, "not removed", "removed");
      }
    };
  }

  private String bigImage(ListedRoot s, String tag, String present, String absent) {
    Map<String, ListedRoot.ImageRow> images = s.images();
    ListedRoot.ImageRow big = images.get(tag);
    if (big == null) {
      assertEquals(List.of(AppImage.TAG), List.copyOf(images.keySet()), "no image but the base");
      assertEquals(2, s.layerCount(), "no layer of " + tag + " is left");
      return absent;
    }
    assertEquals(bigImageId, big.id());
    assertEquals(BIG_LAYERS, big.layers());
    assertEquals(2 + BIG_LAYERS, s.layerCount());
    return present;
  }

  /** {@code size} random bytes: content no compression shortens. */
  static byte[] bytes(Random random, int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }
}
