package dev.strata.image;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Docker's order for finding an image by what a user typed: {@code sha256:<hex>} is an id; else a
 * tag ({@code busybox} meaning {@code busybox:latest}); else a unique prefix of an id's hex.
 */
final class ImageLookup {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,64}");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  private ImageLookup() {}

  /** How a reference resolved: the image, and the tag when it named one. */
  record Resolved(ImageId id, Optional<Reference> viaTag) {}

  static Optional<Resolved> resolve(String ref, Set<ImageId> images, Map<Reference, ImageId> tags)
      throws InvalidArgumentException {
    if (ref.startsWith("sha256:")) {
      if (!HEX64.matcher(ref.substring(7)).matches()) {
        throw new InvalidArgumentException(ref, "image id '" + ref + "' is not sha256:<64 hex digits>");
      }
      ImageId id = ImageId.parse(ref);
      return images.contains(id) ? Optional.of(new Resolved(id, Optional.empty())) : Optional.empty();
    }
    boolean hex = HEX.matcher(ref).matches();
    try {
      Reference tag = Reference.parse(ref);
      ImageId id = tags.get(tag);
      if (id != null) {
        return Optional.of(new Resolved(id, Optional.of(tag)));
      }
    } catch (InvalidArgumentException notATag) {
      if (!hex) {
        throw notATag;
      }
    }
    if (!hex) {
      return Optional.empty();
    }
    List<ImageId> matches = images.stream().filter(i -> i.digest().hex().startsWith(ref)).toList();
    if (matches.size() > 1) {
      throw new InvalidArgumentException(ref, "image id prefix '" + ref + "' is ambiguous: it matches "
          + matches.size() + " images; give more digits");
    }
    return matches.stream().findFirst().map(id -> new Resolved(id, Optional.empty()));
  }
}
