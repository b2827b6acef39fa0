package dev.strata.image;

import dev.strata.driver.Digest;
import dev.strata.testing.SampleImage;
import java.util.List;

/** An {@link SampleImage}'s digests as this module's types, for comparing with what the stores report. */
final class SampleImageIds {

  private SampleImageIds() {}

  static ImageId imageId(SampleImage image) {
    return ImageId.parse(image.id());
  }

  static List<Digest> diffIds(SampleImage image) {
    return image.diffIds().stream().map(Digest::parse).toList();
  }
}
