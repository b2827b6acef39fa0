package dev.strata.registry;

import java.util.Set;

/**
 * The manifest media types a registry conversation needs: the shared ones ({@link
 * dev.strata.image.MediaTypes}) and schema 1, which only a registry still serves.
 */
final class MediaTypes {

  static final String OCI_MANIFEST = dev.strata.image.MediaTypes.OCI_MANIFEST;
  static final String OCI_INDEX = dev.strata.image.MediaTypes.OCI_INDEX;
  static final String DOCKER_MANIFEST = dev.strata.image.MediaTypes.DOCKER_MANIFEST;
  static final String DOCKER_LIST = dev.strata.image.MediaTypes.DOCKER_LIST;
  static final String OCI_CONFIG = dev.strata.image.MediaTypes.OCI_CONFIG;
  static final String DOCKER_CONFIG = dev.strata.image.MediaTypes.DOCKER_CONFIG;
  static final String OCI_LAYER = dev.strata.image.MediaTypes.OCI_LAYER;
  static final String DOCKER_LAYER_GZIP = dev.strata.image.MediaTypes.DOCKER_LAYER_GZIP;
  static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
  static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";

  /** What a manifest GET accepts: the four current formats, never schema 1. */
  static final String ACCEPT = String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);

  static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_LIST);
  static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
  static final Set<String> SCHEMA1 = Set.of(DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED);

  private MediaTypes() {}
}
