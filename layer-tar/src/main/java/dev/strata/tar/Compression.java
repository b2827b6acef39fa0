package dev.strata.tar;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The compressions a layer blob may use, recognised by their magic bytes as Docker's {@code
 * DetectCompression} does: registries serve layers gzip- or zstd-compressed, {@code docker save}
 * writes them plain, and older tooling produced xz and bzip2.
 */
enum Compression {
  NONE(new byte[0]),
  GZIP(new byte[] {0x1f, (byte) 0x8b, 0x08}),
  ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}),
  XZ(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0x00}),
  /** "BZh", a block size digit, then the block magic (pi in BCD): a tar member named "BZh..." is not bzip2. */
  BZIP2(new byte[] {'B', 'Z', 'h', '?', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59});

  /** Enough for every magic above. */
  static final int MAGIC_LENGTH = 10;

  /**
   * An xz stream names the dictionary its decoder needs; {@code xz -9} needs 64 MiB. A hostile
   * header could ask for gigabytes, so the decoder refuses more than this.
   */
  private static final int XZ_MEMORY_LIMIT_KIB = 96 * 1024;

  private final byte[] magic;

  Compression(byte[] magic) {
    this.magic = magic;
  }

  /**
   * Looks at the first bytes of {@code in}, which must support {@code mark}, and leaves the stream
   * where it was.
   */
  static Compression detect(InputStream in) throws IOException {
    if (!in.markSupported()) {
      throw new IllegalArgumentException("detect needs a stream that supports mark/reset");
    }
    in.mark(MAGIC_LENGTH);
    byte[] head = in.readNBytes(MAGIC_LENGTH);
    in.reset();
    for (Compression c : values()) {
      if (c != NONE && c.matches(head)) {
        return c;
      }
    }
    return NONE;
  }

  private boolean matches(byte[] head) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      boolean digit = this == BZIP2 && i == 3;
      if (digit ? head[i] < '1' || head[i] > '9' : head[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The uncompressed stream, whose read failures name the format and say how far the compressed
   * stream got ({@link CheckedDecompressor}); closing it closes {@code in}.
   */
  InputStream decompress(InputStream in) throws IOException {
    if (this == NONE) {
      return in;
    }
    return new CheckedDecompressor(name().toLowerCase(Locale.ROOT), in, this::decompressor);
  }

  private InputStream decompressor(InputStream in) throws IOException {
    switch (this) {
      case GZIP:
        // Concatenated members are one stream (pigz, some registries' re-compressors).
        return new GzipCompressorInputStream(in, true);
      case ZSTD:
        return new ZstdInputStreamNoFinalizer(in);
      case XZ:
        return new XZInputStream(in, XZ_MEMORY_LIMIT_KIB);
      case BZIP2:
        return new BZip2CompressorInputStream(in, true);
      default:
        throw new AssertionError(this);
    }
  }
}
