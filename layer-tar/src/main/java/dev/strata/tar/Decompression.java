package dev.strata.tar;

import dev.strata.driver.error.CorruptException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a layer blob whatever its compression (none, gzip, zstd, xz, bzip2; recognised by magic),
 * for callers that need the uncompressed tar bytes themselves: the layer store records their
 * framing, an image loader verifies a DiffID without applying.
 */
public final class Decompression {

  private Decompression() {}

  /** The uncompressed stream of {@code in}; closing it closes {@code in}. */
  public static InputStream open(InputStream in) throws IOException {
    InputStream source = new BufferedInputStream(in, 64 * 1024);
    Compression compression = Compression.detect(source);
    try {
      return compression.decompress(source);
    } catch (IOException e) {
      throw new CorruptException("layer tar", e.getMessage(), e); // the decompressor's failure names the format
    }
  }
}
