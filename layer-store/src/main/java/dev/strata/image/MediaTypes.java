package dev.strata.image;

/**
 * The media types of the OCI image spec and of Docker's distribution formats that image archives
 * and registries speak; one list, so an archive and a registry never disagree on a spelling.
 */
public final class MediaTypes {

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  /** An uncompressed OCI layer; {@code +gzip} and {@code +zstd} name the compressed ones. */
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  /** Docker's schema 1 manifest, deprecated since Docker 1.10: a registry may still serve it, Strata refuses it. */
  public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
  /** A signed schema 1 manifest; refused like {@link #DOCKER_SCHEMA1}. */
  public static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";

  private MediaTypes() {}

  /** True for an image index: OCI's, or Docker's manifest list. */
  public static boolean isIndex(String mediaType) {
    return mediaType.equals(OCI_INDEX) || mediaType.equals(DOCKER_LIST);
  }

  /** True for an image manifest, OCI's or Docker's schema 2. */
  public static boolean isManifest(String mediaType) {
    return mediaType.equals(OCI_MANIFEST) || mediaType.equals(DOCKER_MANIFEST);
  }

  /** True for a schema 1 manifest, signed or not. */
  public static boolean isSchema1(String mediaType) {
    return mediaType.equals(DOCKER_SCHEMA1) || mediaType.equals(DOCKER_SCHEMA1_SIGNED);
  }
}
