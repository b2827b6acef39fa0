package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.luben.zstd.ZstdOutputStream;
import dev.strata.driver.ApplyResult;
import dev.strata.driver.Digest;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.RawTar;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** The DiffID is the sha256 of the uncompressed tar, every byte of it, whatever the compression. */
class LayerApplierDiffIdTest {

  @TempDir Path root;

  private static byte[] sampleTar() throws IOException {
    byte[] random = new byte[300_000];
    new Random(1).nextBytes(random);
    return new LayerTarBuilder().dir("d", 0755).file("d/hello", "hello\n", 0644).file("d/random", random, 0644)
        .symlink("d/link", "hello").build();
  }

  static byte[] compress(Compression c, byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = switch (c) {
      case NONE -> bytes;
      case GZIP -> new GzipCompressorOutputStream(bytes);
      case ZSTD -> new ZstdOutputStream(bytes);
      case XZ -> new XZOutputStream(bytes, new LZMA2Options());
      case BZIP2 -> new BZip2CompressorOutputStream(bytes);
    }) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  private ApplyResult apply(InputStream in) throws IOException {
    return new LayerApplier(ApplyOptions.unprivileged(), new DeletingWhiteouts()).apply(in, root);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void apply_eachCompression_givesThePlainTarsSha256AndTheSameTree(Compression c) throws IOException {
    byte[] plain = sampleTar();
    byte[] blob = compress(c, plain);
    try (InputStream in = new ByteArrayInputStream(blob)) {
      assertEquals(c, Compression.detect(new java.io.BufferedInputStream(in)));
    }

    ApplyResult r = apply(new ByteArrayInputStream(blob));

    assertEquals(Digest.sha256Of(plain), r.diffId());
    assertEquals(Map.of("d", "d", "d/hello", "f", "d/random", "f", "d/link", "l"), LayerApplierTest.tree(root));
    assertEquals(300_006, r.size());
    assertEquals(4, r.entries());
  }

  @Test
  void apply_trailingZeroBlocksBeyondEndMarker_diffIdCoversEveryByte() throws IOException {
    byte[] tar = new RawTar().file("f", "x").end();
    byte[] padded = Arrays.copyOf(tar, tar.length + 20 * 512 + 7); // zeros, and a ragged tail

    ApplyResult r = apply(new ByteArrayInputStream(padded));

    assertEquals(Digest.sha256Of(padded), r.diffId());
    assertEquals(1, r.entries());
  }

  @Test
  void apply_concatenatedGzipMembers_readAsOneStream() throws IOException {
    byte[] plain = sampleTar();
    int cut = 1024;
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    two.writeBytes(compress(Compression.GZIP, Arrays.copyOfRange(plain, 0, cut)));
    two.writeBytes(compress(Compression.GZIP, Arrays.copyOfRange(plain, cut, plain.length)));

    ApplyResult r = apply(new ByteArrayInputStream(two.toByteArray()));

    assertEquals(Digest.sha256Of(plain), r.diffId());
    assertEquals(4, r.entries());
  }

  @Test
  void apply_archiveWithoutEndMarker_endingOnABlockBoundary_isAccepted() throws IOException {
    byte[] tar = new RawTar().file("f", "x").bytes();
    ApplyResult r = apply(new ByteArrayInputStream(tar));
    assertEquals(Digest.sha256Of(tar), r.diffId());
    assertEquals("x", Files.readString(root.resolve("f")));
  }

  @Test
  void apply_emptyStream_isAnEmptyLayer() throws IOException {
    ApplyResult r = apply(new ByteArrayInputStream(new byte[0]));
    assertEquals(Digest.sha256Of(new byte[0]), r.diffId());
    assertEquals(0, r.entries());
  }

  @Test
  void apply_doesNotCloseTheCallersStream() throws IOException {
    boolean[] closed = {false};
    InputStream in = new ByteArrayInputStream(compress(Compression.ZSTD, sampleTar())) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    apply(in);
    assertEquals(false, closed[0]);
  }

  @Test
  void detect_plainTarWhoseFirstNameStartsWithBzipMagic_isNone() throws IOException {
    byte[] tar = new RawTar().file("BZh9-named-like-bzip2", "x").end();
    assertEquals(Compression.NONE, Compression.detect(new java.io.BufferedInputStream(new ByteArrayInputStream(tar))));
    ApplyResult r = apply(new ByteArrayInputStream(tar));
    assertEquals(Digest.sha256Of(tar), r.diffId());
    assertEquals("x", Files.readString(root.resolve("BZh9-named-like-bzip2"), StandardCharsets.UTF_8));
  }
}
