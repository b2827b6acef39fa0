package dev.strata.image;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.StorageException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Opens a possibly compressed stream as plain bytes. The format is told by the magic number
 * (gzip, zstd, xz, bzip2, else plain), as {@code docker load} does: media types and file names
 * are not trusted to say it. Read failures (truncation, bad compressed data) become {@link
 * CorruptException}s naming the stream.
 */
final class Compression {

  private static final byte[] GZIP = {(byte) 0x1f, (byte) 0x8b};
  private static final byte[] ZSTD = {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd};
  private static final byte[] XZ = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
  // "BZh", a block-size digit, then the block magic (pi in BCD): a tar whose first name starts "BZh" is not bzip2.
  private static final byte[] BZIP2 = {'B', 'Z', 'h', '?', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
  // A hostile xz header could ask for a dictionary of gigabytes; xz -9 needs 64 MiB.
  private static final int XZ_MEMORY_LIMIT_KIB = 96 * 1024;

  private Compression() {}

  /** {@code in}, decompressed; closing the result closes {@code in}. */
  static InputStream decompressed(InputStream in, String what) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
    buffered.mark(BZIP2.length);
    byte[] magic = buffered.readNBytes(BZIP2.length);
    buffered.reset();
    InputStream plain;
    try {
      if (startsWith(magic, GZIP)) {
        plain = new GzipCompressorInputStream(buffered, true);
      } else if (startsWith(magic, ZSTD)) {
        plain = new ZstdCompressorInputStream(buffered);
      } else if (startsWith(magic, XZ)) {
        plain = new XZCompressorInputStream(buffered, true, XZ_MEMORY_LIMIT_KIB);
      } else if (startsWith(magic, BZIP2)) {
        plain = new BZip2CompressorInputStream(buffered, true);
      } else {
        plain = buffered;
      }
    } catch (IOException e) {
      buffered.close();
      throw corrupt(what, e);
    }
    return new Checked(plain, what);
  }

  static CorruptException corrupt(String what, IOException e) {
    return new CorruptException(what, what + " is truncated or corrupt: " + e.getMessage(), e);
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      boolean digit = prefix == BZIP2 && i == 3;
      if (digit ? bytes[i] < '1' || bytes[i] > '9' : bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Turns read failures into CorruptException, leaving StorageExceptions as they are. */
  static final class Checked extends FilterInputStream {

    private final String what;

    Checked(InputStream in, String what) {
      super(in);
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (StorageException e) {
        throw e;
      } catch (IOException e) {
        throw corrupt(what, e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (StorageException e) {
        throw e;
      } catch (IOException e) {
        throw corrupt(what, e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return super.skip(n);
      } catch (StorageException e) {
        throw e;
      } catch (IOException e) {
        throw corrupt(what, e);
      }
    }
  }
}
