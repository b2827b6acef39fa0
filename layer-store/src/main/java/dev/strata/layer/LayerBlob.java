package dev.strata.layer;

import dev.strata.driver.Digest;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A blob a layer was seen as outside the store: its tar, compressed by whoever made the blob, as a
 * registry served it to a pull, an archive held it on load, or a push put it into a repository.
 * Docker keeps the same facts as its distribution metadata; a push uses them to name a blob the
 * registry already has (or can mount) instead of compressing the layer again into new bytes.
 *
 * @param digest the blob's sha256 (of the compressed bytes)
 * @param mediaType its media type, e.g. {@code application/vnd.oci.image.layer.v1.tar+gzip}
 * @param size its length in bytes
 * @param repository where it was seen, {@code host[:port]/path} ({@code docker.io/library/busybox});
 *     empty for a blob that came from an archive
 */
public record LayerBlob(Digest digest, String mediaType, long size, Optional<String> repository) {

  private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+_-]{0,126}/[A-Za-z0-9][A-Za-z0-9.+_-]{0,126}");
  // A registry host[:port] and a repository path as Docker's reference grammar allows them.
  private static final Pattern REPOSITORY = Pattern.compile(
      "[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+");
  private static final int MAX_REPOSITORY = 512;

  public LayerBlob {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(repository, "repository");
    if (!MEDIA_TYPE.matcher(mediaType).matches()) {
      throw new IllegalArgumentException("'" + mediaType + "' is not a media type");
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative blob size " + size + " for " + digest);
    }
    if (repository.isPresent() && (repository.get().length() > MAX_REPOSITORY
        || !REPOSITORY.matcher(repository.get()).matches())) {
      throw new IllegalArgumentException("'" + repository.get() + "' is not a host[:port]/repository name");
    }
  }

  /** Whether it names the same blob in the same place as {@code other} (size and type follow from the digest). */
  boolean sameAs(LayerBlob other) {
    return digest.equals(other.digest) && repository.equals(other.repository);
  }
}
