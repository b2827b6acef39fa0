package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** A compressed layer or archive cut short says where its stream ended, whatever the format. */
class DecompressionTest {

  private final byte[] data = incompressible(200_000);

  // Random bytes do not compress: a cut in the compressed stream is a cut in the data.
  private static byte[] incompressible(int size) {
    byte[] bytes = new byte[size];
    new Random(5).nextBytes(bytes);
    return bytes;
  }

  @FunctionalInterface
  private interface Compressor {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  private byte[] compress(Compressor compressor) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream c = compressor.wrap(out)) {
      c.write(data);
    }
    return out.toByteArray();
  }

  private static IOException readCut(byte[] compressed, int length) {
    byte[] cut = Arrays.copyOf(compressed, length);
    return assertThrows(IOException.class, () -> {
      try (InputStream in = Decompression.open(new ByteArrayInputStream(cut))) {
        in.readAllBytes();
      }
    });
  }

  @Test
  void open_gzipFlushedThenCut_endsEarlyNamingTheBytesReadAndGiven() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GZIPOutputStream gz = new GZIPOutputStream(out, true);
    gz.write(data, 0, 70_000);
    gz.flush(); // everything written so far is decodable; the stream just stops there
    byte[] cut = out.toByteArray();
    gz.close();

    IOException e = readCut(cut, cut.length);

    assertEquals(EOFException.class, e.getClass());
    // What is decompressed counts what was handed on: the gzip reader drops what it inflated in the
    // call that met the end, so it is at most the 70000 bytes the stream holds.
    Matcher m = Pattern.compile("the gzip stream ends early, after " + cut.length + " compressed bytes \\((\\d+) bytes decompressed\\)")
        .matcher(e.getMessage());
    assertTrue(m.matches(), e.getMessage());
    assertTrue(Long.parseLong(m.group(1)) <= 70_000, e.getMessage());
  }

  @Test
  void open_gzipCutInTheMiddle_endsEarly() throws IOException {
    byte[] gz = compress(GZIPOutputStream::new);

    IOException e = readCut(gz, gz.length / 2);

    assertEquals(EOFException.class, e.getClass());
    assertTrue(e.getMessage().startsWith("the gzip stream ends early, after " + gz.length / 2 + " compressed bytes ("),
        e.getMessage());
  }

  /** Each format's decompressor words the end its own way; each message names the format and the count. */
  @ParameterizedTest
  @ValueSource(strings = {"xz", "zstd", "bzip2"})
  void open_otherFormatsCut_sayWhereTheStreamBroke(String format) throws IOException {
    byte[] compressed = compress(compressor(format));

    IOException e = readCut(compressed, compressed.length / 2);

    assertTrue(e.getMessage().startsWith("the " + format + " stream "), e.getMessage());
    assertTrue(e.getMessage().contains(" after " + compressed.length / 2 + " compressed bytes ("), e.getMessage());
  }

  private static Compressor compressor(String format) {
    return switch (format) {
      case "xz" -> out -> new XZOutputStream(out, new LZMA2Options());
      case "zstd" -> ZstdOutputStream::new;
      case "bzip2" -> BZip2CompressorOutputStream::new;
      default -> GZIPOutputStream::new;
    };
  }

  @Test
  void open_wholeStreams_readBackTheData() throws IOException {
    for (String format : new String[] {"gzip", "xz", "zstd", "bzip2"}) {
      try (InputStream in = Decompression.open(new ByteArrayInputStream(compress(compressor(format))))) {
        assertArrayEquals(data, in.readAllBytes(), format);
      }
    }
  }
}
