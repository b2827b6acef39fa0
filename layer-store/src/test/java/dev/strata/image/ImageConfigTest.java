package dev.strata.image;

import static dev.strata.image.SampleImageIds.diffIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.layer.ChainId;
import dev.strata.testing.SampleImage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageConfigTest {

  @Test
  void parse_dockerConfig_readsDiffIdsCreatedAndId() throws Exception {
    SampleImage image = SampleImage.twoLayers();
    ImageConfig config = ImageConfig.parse(image.config(), "config");
    assertEquals(diffIds(image), config.diffIds());
    assertEquals(Instant.parse("2024-01-02T03:04:05.123456789Z"), config.created());
    assertEquals(ImageId.ofConfig(image.config()), config.id());
  }

  @Test
  void chainIds_twoLayers_followTheOciRule() {
    List<Digest> diffIds = diffIds(SampleImage.twoLayers());
    List<ChainId> chains = ImageConfig.chainIds(diffIds);
    assertEquals(new ChainId(diffIds.get(0)), chains.get(0));
    String text = diffIds.get(0) + " " + diffIds.get(1);
    assertEquals(new ChainId(Digest.sha256Of(text.getBytes(StandardCharsets.US_ASCII))), chains.get(1));
  }

  @Test
  void parse_noLayers_hasNoTop() throws Exception {
    ImageConfig config = ImageConfig.parse(bytes("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"), "c");
    assertEquals(Optional.empty(), config.top());
    assertEquals(Instant.EPOCH, config.created());
  }

  @Test
  void parse_malformedJson_throwsCorrupt() {
    CorruptException e = assertThrows(CorruptException.class, () -> ImageConfig.parse(bytes("{\"rootfs\": "), "cfg.json"));
    assertTrue(e.getMessage().contains("cfg.json is not valid JSON"), e.getMessage());
  }

  @Test
  void parse_missingRootfs_throwsCorrupt() {
    assertThrows(CorruptException.class, () -> ImageConfig.parse(bytes("{\"os\":\"linux\"}"), "c"));
    assertThrows(CorruptException.class, () -> ImageConfig.parse(bytes("[]"), "c"));
    assertThrows(CorruptException.class, () -> ImageConfig.parse(bytes(""), "c"));
  }

  @Test
  void parse_badDiffId_throwsCorruptNamingIt() {
    CorruptException e = assertThrows(CorruptException.class, () -> ImageConfig.parse(
        bytes("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:nothex\"]}}"), "c"));
    assertTrue(e.getMessage().contains("rootfs.diff_ids[0]"), e.getMessage());
  }

  @Test
  void parse_otherRootfsType_throwsCorrupt() {
    assertThrows(CorruptException.class, () -> ImageConfig.parse(bytes("{\"rootfs\":{\"type\":\"zfs\"}}"), "c"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
