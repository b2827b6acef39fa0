package dev.strata.tar;

import dev.strata.driver.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes every byte that passes through, skipped bytes included (a skip is a read here), so the
 * DiffID covers the uncompressed tar exactly as it arrived.
 */
final class DigestingInputStream extends FilterInputStream {

  private final MessageDigest sha256 = Digest.newSha256();
  private final byte[] scratch = new byte[8192];
  private long count;

  DigestingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      sha256.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      sha256.update(b, off, n);
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
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

  /** Bytes hashed so far. */
  long count() {
    return count;
  }

  /** The digest of everything read; call once, after the stream is exhausted. */
  Digest digest() {
    return Digest.sha256(sha256.digest());
  }
}
