package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sparse 1 GiB file, as large as the test JVM's whole heap (-Xmx1g): its content must stream.
 * (Sizes past the ustar field are covered by {@link TarStreamWriterTest} without reading 8 GiB.)
 */
class LayerDifferLargeFileTest {

  private static final long ONE_GIB = 1L << 30;

  @TempDir Path tmp;

  /** Keeps the first bytes of the stream and counts the rest. */
  private static final class HeadCapture extends OutputStream {
    final ByteArrayOutputStream head = new ByteArrayOutputStream();
    long count;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      int keep = (int) Math.max(0, Math.min(len, 4096 - count));
      head.write(b, off, keep);
      count += len;
    }
  }

  @Test
  void writeDiff_oneGibSparseFile_streamsContentInFlatHeap() throws Exception {
    Path upper = Files.createDirectories(tmp.resolve("upper"));
    Path big = upper.resolve("big");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(ONE_GIB);
      f.seek(ONE_GIB - 1);
      f.write('!');
    }
    DiffFixtures.mtime(big, 1_600_000_000L, 0);
    HeadCapture out = new HeadCapture();
    long content = new LayerDiffer().writeDiff(Optional.empty(), upper, out);
    assertEquals(ONE_GIB, content);
    assertEquals(ONE_GIB, new LayerDiffer().diffSize(Optional.empty(), upper));
    // One header (whole-second mtime: no PAX), the content, then two zero blocks.
    assertEquals(512 + ONE_GIB + 2 * 512, out.count);
    assertEquals(Map.of("big", Map.of()), DiffFixtures.paxRecords(out.head.toByteArray()));
    assertEquals("10000000000", new String(out.head.toByteArray(), 124, 11, StandardCharsets.US_ASCII));
  }
}
