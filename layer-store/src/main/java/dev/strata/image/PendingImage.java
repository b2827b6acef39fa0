package dev.strata.image;

import java.util.List;
import java.util.Objects;

/** An image about to be added: its config bytes as they came, parsed, and the tags to give it. */
record PendingImage(byte[] config, ImageConfig parsed, List<Reference> tags) {

  PendingImage {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(parsed, "parsed");
    tags = List.copyOf(tags);
  }

  ImageId id() {
    return parsed.id();
  }
}
