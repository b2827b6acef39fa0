package dev.strata.registry;

/**
 * The two manifest families a registry serves, with the media types the fixtures write.
 *
 * <ul>
 *   <li>{@link #DOCKER}: Docker image manifest v2 schema 2
 *       ({@code application/vnd.docker.distribution.manifest.v2+json}), manifest list
 *       ({@code application/vnd.docker.distribution.manifest.list.v2+json}), config
 *       {@code application/vnd.docker.container.image.v1+json}, layers
 *       {@code application/vnd.docker.image.rootfs.diff.tar.gzip}.
 *   <li>{@link #OCI}: OCI image manifest ({@code application/vnd.oci.image.manifest.v1+json}),
 *       image index ({@code application/vnd.oci.image.index.v1+json}), config
 *       {@code application/vnd.oci.image.config.v1+json}, layers
 *       {@code application/vnd.oci.image.layer.v1.tar+gzip}.
 * </ul>
 */
public enum ManifestFormat {
  DOCKER("application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.docker.container.image.v1+json",
      "application/vnd.docker.image.rootfs.diff.tar.gzip"),
  OCI("application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.oci.image.config.v1+json",
      "application/vnd.oci.image.layer.v1.tar+gzip");

  private final String manifest;
  private final String index;
  private final String config;
  private final String layer;

  ManifestFormat(String manifest, String index, String config, String layer) {
    this.manifest = manifest;
    this.index = index;
    this.config = config;
    this.layer = layer;
  }

  public String manifestMediaType() {
    return manifest;
  }

  public String indexMediaType() {
    return index;
  }

  public String configMediaType() {
    return config;
  }

  public String layerMediaType() {
    return layer;
  }
}
