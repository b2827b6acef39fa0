package dev.strata.registry;

import java.util.Set;

/** The manifest media types of the OCI image spec and Docker's distribution formats. */
final class MediaTypes {

  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
  static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** What a manifest GET accepts: the four current formats, never schema 1. */
  static final String ACCEPT = String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);

  static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_LIST);
  static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
  static final Set<String> SCHEMA1 = Set.of(DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED);

  private MediaTypes() {}
}
