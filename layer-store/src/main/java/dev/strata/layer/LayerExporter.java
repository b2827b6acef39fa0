package dev.strata.layer;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Byte-exact export of a registered layer. The tar is rebuilt twice from its tar-split record and
 * the files on disk: once only to hash it, so tampered data is refused before a byte reaches the
 * caller, then for real while hashing again, so a change during the export is reported too.
 */
final class LayerExporter {

  private final String subject;
  private final Digest diffId;

  LayerExporter(String subject, Digest diffId) {
    this.subject = subject;
    this.diffId = diffId;
  }

  void export(Path record, Path view, OutputStream out) throws IOException {
    TarSplitReplayer replayer = new TarSplitReplayer(subject);
    MessageDigest check = sha256();
    try (DigestOutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), check)) {
      replayer.replay(record, view, sink);
    }
    verify(Digest.sha256(check.digest()), "");
    MessageDigest real = sha256();
    DigestOutputStream tee = new DigestOutputStream(out, real);
    replayer.replay(record, view, tee);
    tee.flush();
    verify(Digest.sha256(real.digest()), " while it was being exported");
  }

  private void verify(Digest actual, String when) throws CorruptException {
    if (!actual.equals(diffId)) {
      throw new CorruptException(subject, "layer " + subject + " changed on disk" + when
          + ": its content hashes to " + actual + ", not its DiffID " + diffId);
    }
  }

  /** sha256 of a whole stream, read to its end. */
  static Digest digestOf(InputStream in) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[65536];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return Digest.sha256(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
