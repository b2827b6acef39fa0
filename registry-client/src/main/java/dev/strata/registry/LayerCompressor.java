package dev.strata.registry;

import dev.strata.driver.Digest;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerStore;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.LongConsumer;

/**
 * Turns a stored layer into an upload-ready blob: the layer store's byte-exact tar, compressed
 * into a file while the compressed bytes are hashed and counted, so the blob is read once.
 */
final class LayerCompressor {

  private static final long REPORT_EVERY = 1 << 20;

  private final LayerStore layers;

  LayerCompressor(LayerStore layers) {
    this.layers = layers;
  }

  /**
   * Writes layer {@code chain} to {@code target}, compressed.
   *
   * @param tarBytes hears how much of the tar is done, about every MiB
   */
  StagedBlob compress(ChainId chain, BlobCompression compression, Path target, LongConsumer tarBytes)
      throws IOException {
    MessageDigest sha = sha256();
    long[] size = {0};
    // The outer file stream closes even when the compressor fails while writing its header.
    try (OutputStream file = Files.newOutputStream(target);
        OutputStream compressed = compression.compress(
            new CountingStream(new DigestOutputStream(file, sha), n -> size[0] = n));
        CountingStream tar = new CountingStream(compressed, new Every(tarBytes))) {
      layers.export(chain, tar);
    }
    return new StagedBlob(target, Digest.sha256(sha.digest()), size[0]);
  }

  /** Reports the running byte count after every write. */
  private static final class CountingStream extends FilterOutputStream {
    private final LongConsumer count;
    private long n;

    CountingStream(OutputStream out, LongConsumer count) {
      super(out);
      this.count = count;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      n += len;
      count.accept(n);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count.accept(++n);
    }
  }

  /** Passes on a running count about once per {@link #REPORT_EVERY} bytes. */
  private static final class Every implements LongConsumer {
    private final LongConsumer target;
    private long reported;

    Every(LongConsumer target) {
      this.target = target;
    }

    @Override
    public void accept(long n) {
      if (n - reported >= REPORT_EVERY) {
        reported = n;
        target.accept(n);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
