package dev.strata.registry;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.strata.image.MediaTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How push compresses a layer blob. Both are deterministic: the same layer tar always gives the
 * same bytes, hence the same blob digest, so pushing a layer again finds it on the registry.
 */
public enum BlobCompression {
  /**
   * gzip at the default level. The JDK's header carries no file name and a zero mtime, so the
   * bytes depend on the tar alone (Docker's Go writer also omits both).
   */
  GZIP(MediaTypes.DOCKER_LAYER_GZIP, MediaTypes.OCI_LAYER + "+gzip"),
  /** zstd level 3; only OCI manifests can name it, so pushing with it writes an OCI manifest. */
  ZSTD(null, MediaTypes.OCI_LAYER + "+zstd");

  private static final int BUFFER = 64 * 1024;
  private static final int ZSTD_LEVEL = 3;

  private final String dockerMediaType;
  private final String ociMediaType;

  BlobCompression(String dockerMediaType, String ociMediaType) {
    this.dockerMediaType = dockerMediaType;
    this.ociMediaType = ociMediaType;
  }

  /** The layer media type in a manifest of the given format. */
  String mediaType(boolean oci) {
    if (!oci && dockerMediaType == null) {
      throw new IllegalStateException(this + " layers need an OCI manifest");
    }
    return oci ? ociMediaType : dockerMediaType;
  }

  /** Whether a blob of {@code mediaType} (Docker's or OCI's, foreign or not) is compressed this way. */
  boolean names(String mediaType) {
    return switch (this) {
      case GZIP -> mediaType.endsWith(".tar.gzip") || mediaType.endsWith(".tar+gzip");
      case ZSTD -> mediaType.endsWith(".tar+zstd");
    };
  }

  /** A compressing stream over {@code out}; closing it finishes the stream and closes {@code out}. */
  OutputStream compress(OutputStream out) throws IOException {
    return switch (this) {
      case GZIP -> new GZIPOutputStream(out, BUFFER);
      case ZSTD -> new ZstdOutputStreamNoFinalizer(out, ZSTD_LEVEL);
    };
  }
}
