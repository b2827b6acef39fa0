package dev.strata.image;

import dev.strata.layer.ChainId;
import java.util.List;

/**
 * What {@link ImageStore#remove} did, in Docker's words: the tags it untagged, the image it
 * deleted (if the last tag went and nothing kept it), and the layers that disappeared with it.
 */
public record ImageRemoval(List<Reference> untagged, List<ImageId> deleted, List<ChainId> layersRemoved) {

  public ImageRemoval {
    untagged = List.copyOf(untagged);
    deleted = List.copyOf(deleted);
    layersRemoved = List.copyOf(layersRemoved);
  }
}
