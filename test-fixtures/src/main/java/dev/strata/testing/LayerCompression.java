package dev.strata.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * How a layer tar is stored in an image archive or a registry blob. Compression is deterministic
 * (gzip with no name and mtime 0), so equal tars always give equal blobs and equal digests.
 */
public enum LayerCompression {
  PLAIN,
  GZIP,
  /** Needs zstd-jni at run time, which this module brings. */
  ZSTD;

  /** {@code tar} in this form. */
  public byte[] compress(byte[] tar) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      OutputStream out = switch (this) {
        case PLAIN -> bytes;
        case GZIP -> new GzipCompressorOutputStream(bytes);
        case ZSTD -> new ZstdCompressorOutputStream(bytes);
      };
      out.write(tar);
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compress in memory", e);
    }
    return bytes.toByteArray();
  }
}
