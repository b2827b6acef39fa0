package dev.strata.registry;

import dev.strata.driver.Digest;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.image.Reference;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to pull: {@code [host[:port]/]repo[:tag][@sha256:hex]}, fully qualified. {@code busybox} is
 * {@code docker.io/library/busybox:latest}; a first component containing {@code .} or {@code :},
 * or equal to {@code localhost}, is a registry host, anything else is part of the repository on
 * Docker Hub. The name grammar is {@link Reference}'s (Docker's distribution/reference).
 *
 * <p>With a digest, the manifest is fetched by digest; a tag given as well only names the image
 * locally.
 *
 * @param registry the registry as users write it, e.g. {@code docker.io}, {@code localhost:5000}
 * @param repository the repository path on it, e.g. {@code library/busybox}
 * @param tag the tag, empty only when a digest is given
 * @param digest the manifest digest, when pulling by digest
 */
public record ImageName(String registry, String repository, Optional<String> tag, Optional<Digest> digest) {

  /** Docker Hub as users name it; its API lives at {@link #DOCKER_HUB_ENDPOINT}. */
  public static final String DOCKER_HUB = "docker.io";
  static final String DOCKER_HUB_ENDPOINT = "registry-1.docker.io";

  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*");

  public ImageName {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(digest, "digest");
    if (registry.isEmpty() || registry.contains("/")) {
      throw new IllegalArgumentException("bad registry '" + registry + "'");
    }
    if (!REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException("bad repository '" + repository + "'");
    }
    if (tag.isPresent() && !TAG.matcher(tag.get()).matches()) {
      throw new IllegalArgumentException("bad tag '" + tag.get() + "'");
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      throw new IllegalArgumentException("image name " + registry + "/" + repository + " has neither tag nor digest");
    }
  }

  /**
   * Parses a name as {@code docker pull} takes it; a name without tag or digest means {@code :latest}.
   *
   * @throws InvalidArgumentException quoting the text when it breaks the grammar
   */
  public static ImageName parse(String text) throws InvalidArgumentException {
    Objects.requireNonNull(text, "text");
    String name = text;
    Optional<Digest> digest = Optional.empty();
    int at = text.indexOf('@');
    if (at >= 0) {
      name = text.substring(0, at);
      try {
        digest = Optional.of(Digest.parse(text.substring(at + 1)));
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException(text, "invalid image name '" + text + "': " + e.getMessage(), e);
      }
    }
    boolean explicitTag = name.lastIndexOf(':') > name.lastIndexOf('/');
    Reference ref = Reference.parse(name);
    String full = ref.fullName();
    String qualified = full.substring(0, full.length() - ref.tag().length() - 1);
    int slash = qualified.indexOf('/');
    Optional<String> tag = explicitTag || digest.isEmpty() ? Optional.of(ref.tag()) : Optional.empty();
    try {
      return new ImageName(qualified.substring(0, slash), qualified.substring(slash + 1), tag, digest);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(text, "invalid image name '" + text + "': " + e.getMessage(), e);
    }
  }

  /** The host[:port] serving the registry API ({@code registry-1.docker.io} for Docker Hub). */
  public String endpoint() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_ENDPOINT : registry;
  }

  /** What {@code /v2/<repository>/manifests/<reference>} takes: the digest if any, else the tag. */
  public String reference() {
    return digest.map(Digest::toString).orElseGet(tag::get);
  }

  /** The local tag the pulled image gets, in the image store's familiar form; empty for a bare digest. */
  public Optional<Reference> localTag() {
    if (tag.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Reference.parse(registry + "/" + repository + ":" + tag.get()));
    } catch (InvalidArgumentException e) {
      throw new IllegalStateException("a valid image name is a valid reference: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return registry + "/" + repository + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
  }
}
