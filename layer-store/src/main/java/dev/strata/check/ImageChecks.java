package dev.strata.check;

import dev.strata.image.Image;
import dev.strata.image.ImageId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Images and tags against the layers: images whose top layer is gone, tags of missing images. */
final class ImageChecks {

  private ImageChecks() {}

  static List<Finding> findings(StoreState state, Map<String, ImageId> danglingTags) {
    List<Finding> findings = new ArrayList<>();
    for (Image image : state.images()) {
      if (image.top().isPresent() && !state.hasRecord(image.top().get())) {
        findings.add(Finding.of(FindingKind.DANGLING_IMAGE_LAYER, image.id().toString(), "image "
            + image.id().shortId() + " " + image.tags() + " has top layer " + image.top().get()
            + ", which is not in the store; remove it with `strata rmi --force` and load or pull it again"));
      }
    }
    for (Map.Entry<String, ImageId> tag : danglingTags.entrySet()) {
      findings.add(Finding.of(FindingKind.DANGLING_TAG, tag.getKey(), "tag " + tag.getKey() + " names image "
          + tag.getValue().shortId() + ", which is not in the store; --repair drops the tag"));
    }
    return findings;
  }
}
