package dev.strata.image;

import java.util.List;
import java.util.Objects;

/**
 * One image as an archive describes it, checked for consistency but not yet loaded.
 *
 * @param origin where in the archive it is described, for messages ({@code manifest.json[0]})
 * @param config the config JSON, byte for byte
 * @param parsed the config, parsed
 * @param layers the layer blobs, base first, as many as {@code parsed.diffIds()}
 * @param tags the tags the archive gives it
 */
record ArchiveImage(String origin, byte[] config, ImageConfig parsed, List<Blob> layers, List<Reference> tags) {

  ArchiveImage {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(parsed, "parsed");
    layers = List.copyOf(layers);
    tags = List.copyOf(tags);
    if (layers.size() != parsed.diffIds().size()) {
      throw new IllegalArgumentException(origin + ": " + layers.size() + " layers for " + parsed.diffIds().size() + " DiffIDs");
    }
  }
}
