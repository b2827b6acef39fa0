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

  private MediaTypes() {}
}
