package dev.strata.tar;

import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Sits directly under the tar reader and keeps a copy of the bytes it consumes while reading
 * headers. commons-compress decodes PAX values as UTF-8 (losing binary xattrs such as {@code
 * security.capability}) and does not verify header checksums; the copy lets {@link RawHeaders} do
 * both from the original bytes. It also knows the exact offset the reader has reached, which
 * error messages quote and truncation checks need.
 */
final class HeaderTap extends InputStream {

  /**
   * commons-compress holds PAX and GNU long-name records in memory; a hostile archive could declare
   * gigabytes of them. Real headers are a few KiB (names up to PATH_MAX, xattr values up to 64 KiB).
   */
  static final int MAX_HEADER_BYTES = 1 << 20;

  private final InputStream in;
  private long offset;
  private boolean recording;
  private long recordStart;
  private byte[] record = new byte[4096];
  private int recorded;

  HeaderTap(InputStream in) {
    this.in = in;
  }

  /** Bytes the tar reader has consumed since the start of the uncompressed stream. */
  long offset() {
    return offset;
  }

  void startRecording() {
    recording = true;
    recordStart = offset;
    recorded = 0;
  }

  void stopRecording() {
    recording = false;
  }

  /** Offset of the first recorded byte. */
  long recordStart() {
    return recordStart;
  }

  byte[] recordBuffer() {
    return record;
  }

  int recorded() {
    return recorded;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      if (recording) {
        keep(new byte[] {(byte) b}, 0, 1);
      }
      offset++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      if (recording) {
        keep(b, off, n);
      }
      offset += n;
    }
    return n;
  }

  /** A read, so the offset and the recording stay exact. */
  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long left = n;
    while (left > 0) {
      int got = read(scratch, 0, (int) Math.min(scratch.length, left));
      if (got < 0) {
        break;
      }
      left -= got;
    }
    return n - left;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void keep(byte[] b, int off, int n) throws CorruptException {
    if (recorded + n > MAX_HEADER_BYTES) {
      throw new CorruptException(
          "offset " + recordStart,
          "tar headers at offset " + recordStart + " exceed " + MAX_HEADER_BYTES
              + " bytes (PAX or GNU long-name records this large are hostile or corrupt)");
    }
    if (recorded + n > record.length) {
      record = Arrays.copyOf(record, Math.max(record.length * 2, recorded + n));
    }
    System.arraycopy(b, off, record, recorded, n);
    recorded += n;
  }
}
