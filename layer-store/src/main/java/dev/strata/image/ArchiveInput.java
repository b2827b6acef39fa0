package dev.strata.image;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.StorageException;
import dev.strata.tar.Decompression;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of an image archive or of a layer blob in it, as plain bytes whatever their
 * compression. The format is told by the magic number ({@link Decompression}: gzip, zstd, xz,
 * bzip2, else plain), as {@code docker load} does: media types and file names are not trusted to
 * say it. Read failures (truncation, bad compressed data) become {@link CorruptException}s naming
 * the archive or blob.
 */
final class ArchiveInput {

  private ArchiveInput() {}

  /** {@code in}, decompressed; closing the result closes {@code in}. */
  static InputStream decompressed(InputStream in, String what) throws IOException {
    try {
      return new Checked(Decompression.open(in), what);
    } catch (IOException e) {
      in.close();
      throw corrupt(what, e);
    }
  }

  static CorruptException corrupt(String what, IOException e) {
    return new CorruptException(what, what + " is truncated or corrupt: " + e.getMessage(), e);
  }

  /** Turns read failures into CorruptException naming the stream. */
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
