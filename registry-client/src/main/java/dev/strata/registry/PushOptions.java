package dev.strata.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link RegistryClient#push} writes an image.
 *
 * @param compression of the layer blobs
 * @param oci write an OCI image manifest; otherwise Docker schema 2, which is what {@code docker
 *     push} writes and every registry takes. zstd layers always get an OCI manifest
 * @param mountFrom a repository on the same registry that holds the image's blobs; each missing
 *     blob is first mounted from there ({@code POST ...?mount=&from=}) instead of uploaded. Without
 *     it, the repositories of the image's own tags on that registry are tried. The repositories a
 *     layer's blobs were pulled from or pushed to are tried in any case
 * @param monolithicLimit blobs up to this size go in one {@code PUT}; larger ones in {@code PATCH}
 *     chunks of {@code chunkSize} and a closing {@code PUT}, so a big layer is never one request
 * @param chunkSize bytes per {@code PATCH}; held in memory while sent
 */
public record PushOptions(BlobCompression compression, boolean oci, Optional<String> mountFrom, long monolithicLimit,
    int chunkSize) {

  public static final long DEFAULT_MONOLITHIC_LIMIT = 16L << 20;
  public static final int DEFAULT_CHUNK_SIZE = 8 << 20;

  /** gzip, Docker schema 2, mounts from the image's own repositories, 16 MiB monolithic, 8 MiB chunks. */
  public static final PushOptions DEFAULTS =
      new PushOptions(BlobCompression.GZIP, false, Optional.empty(), DEFAULT_MONOLITHIC_LIMIT, DEFAULT_CHUNK_SIZE);

  public PushOptions {
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(mountFrom, "mountFrom");
    if (monolithicLimit < 0) {
      throw new IllegalArgumentException("monolithicLimit must not be negative, not " + monolithicLimit);
    }
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be at least 1, not " + chunkSize);
    }
  }

  public PushOptions withCompression(BlobCompression c) {
    return new PushOptions(c, oci, mountFrom, monolithicLimit, chunkSize);
  }

  public PushOptions withOci(boolean o) {
    return new PushOptions(compression, o, mountFrom, monolithicLimit, chunkSize);
  }

  public PushOptions withMountFrom(String repository) {
    return new PushOptions(compression, oci, Optional.of(repository), monolithicLimit, chunkSize);
  }

  public PushOptions withChunking(long monolithic, int chunk) {
    return new PushOptions(compression, oci, mountFrom, monolithic, chunk);
  }

  /** Whether the manifest is OCI: asked for, or forced by zstd layers. */
  boolean ociManifest() {
    return oci || compression == BlobCompression.ZSTD;
  }
}
