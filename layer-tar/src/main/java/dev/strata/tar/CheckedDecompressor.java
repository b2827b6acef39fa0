package dev.strata.tar;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A decompressor's output whose failures say where the compressed stream broke. Decompressors end
 * a truncated stream with a bare {@link EOFException} (commons-compress's gzip reader gives it no
 * message at all, so a cut archive read "truncated or corrupt: null"); this names the format, the
 * compressed bytes read before the end came and the bytes they gave, which tells a file cut short
 * in a copy from one damaged in the middle.
 */
final class CheckedDecompressor extends InputStream {

  private final String format;
  private final Counting compressed;
  private final InputStream decompressor;
  private final byte[] one = new byte[1];
  private long produced;

  /**
   * @param format how messages call the compression, e.g. {@code "gzip"}
   * @param decompressor makes the decompressing stream over the (counted) compressed stream
   */
  CheckedDecompressor(String format, InputStream in, Opener decompressor) throws IOException {
    this.format = format;
    this.compressed = new Counting(in);
    try {
      // Most decompressors read their stream's header here: a stream cut short may fail already.
      this.decompressor = decompressor.open(compressed);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @FunctionalInterface
  interface Opener {
    InputStream open(InputStream compressed) throws IOException;
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = decompressor.read(b, off, len);
    } catch (IOException e) {
      throw failure(e);
    }
    if (n > 0) {
      produced += n;
    }
    return n;
  }

  /**
   * {@code e} said again with the format and the counts. "Decompressed" counts what was handed on:
   * a decompressor that meets the end drops what it inflated in the failing call.
   */
  private IOException failure(IOException e) {
    String where = " after " + compressed.count + " compressed bytes (" + produced + " bytes decompressed)";
    if (e instanceof EOFException) {
      return (EOFException) new EOFException("the " + format + " stream ends early," + where).initCause(e);
    }
    return new IOException("the " + format + " stream is corrupt" + where + ": "
        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
  }

  @Override
  public void close() throws IOException {
    decompressor.close();
  }

  /** Counts the compressed bytes the decompressor takes. */
  private static final class Counting extends FilterInputStream {
    private long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false; // a reset would make the count lie
    }
  }
}
