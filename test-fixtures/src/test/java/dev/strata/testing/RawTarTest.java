package dev.strata.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class RawTarTest {

  @Test
  void end_wellFormedEntries_readBackByAnotherReader() throws IOException {
    byte[] tar = new RawTar().pax("path", "long/" + "n".repeat(120)).file("short", "content").end();

    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e = in.getNextEntry();
      assertEquals("long/" + "n".repeat(120), e.getName());
      assertArrayEquals("content".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
    }
    assertEquals(0, tar.length % 512);
  }

  @Test
  void badChecksum_header_storesTheSumOfItsBytesPlusOne() {
    byte[] good = RawTar.file("f").bytes();
    byte[] bad = RawTar.file("f").badChecksum().bytes();

    assertEquals(sumWithBlankChecksum(good), storedChecksum(good));
    assertEquals(sumWithBlankChecksum(bad) + 1, storedChecksum(bad));
  }

  /** The ustar rule: every byte summed, the checksum field itself counted as eight spaces. */
  private static long sumWithBlankChecksum(byte[] header) {
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
    }
    return sum;
  }

  private static long storedChecksum(byte[] header) {
    return Long.parseLong(new String(header, 148, 6, StandardCharsets.US_ASCII), 8);
  }

  @Test
  void bytes_withoutEndBlocks_isTheEndMinusTwoZeroBlocks() {
    RawTar raw = new RawTar().file("f", "x");

    assertEquals(raw.bytes().length + 1024, raw.end().length);
  }
}
