package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.strata.posix.Timestamp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TarStreamWriterTest {

  private static byte[] headers(TarHeader entry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarStreamWriter w = new TarStreamWriter(out);
    w.writeHeaders(entry);
    w.finish();
    return out.toByteArray();
  }

  private static TarHeader file(long size, long uid, long gid, Timestamp mtime) {
    return new TarHeader("f", TarHeader.REGULAR, 0644, uid, gid, size, mtime, "", 0, 0,
        Collections.emptySortedMap());
  }

  private static String field(byte[] tar, int offset, int length) {
    return new String(tar, offset, length, StandardCharsets.US_ASCII);
  }

  @Test
  void writeHeaders_sizeOfEightGib_movesSizeToPax() throws Exception {
    byte[] tar = headers(file(8L << 30, 0, 0, TarHeader.EPOCH));
    assertEquals("8589934592", new String(DiffFixtures.paxRecords(tar).get("f").get("size"), StandardCharsets.US_ASCII));
    assertEquals("00000000000\0", field(tar, 1024 + 124, 12));
  }

  @Test
  void writeHeaders_sizeJustBelowEightGib_staysInUstar() throws Exception {
    byte[] tar = headers(file((8L << 30) - 1, 0, 0, TarHeader.EPOCH));
    assertEquals(Map.of("f", Map.of()), DiffFixtures.paxRecords(tar));
    assertEquals("77777777777\0", field(tar, 124, 12));
  }

  @Test
  void writeHeaders_idsPastTwentyOneBits_moveToPax() throws Exception {
    byte[] tar = headers(file(0, 2_097_152, 4_294_967_294L, TarHeader.EPOCH));
    Map<String, byte[]> pax = DiffFixtures.paxRecords(tar).get("f");
    assertEquals("2097152", new String(pax.get("uid"), StandardCharsets.US_ASCII));
    assertEquals("4294967294", new String(pax.get("gid"), StandardCharsets.US_ASCII));
    assertEquals("0000000\0", field(tar, 1024 + 108, 8));
  }

  @Test
  void writeHeaders_headerFields_areZeroPaddedOctalWithValidChecksum() throws Exception {
    byte[] tar = headers(file(5, 1000, 100, new Timestamp(1_600_000_000L, 0)));
    assertEquals(List.of("0000644\0", "0001750\0", "0000144\0", "00000000005\0", "13727410000\0",
        "ustar\0", "00"), List.of(field(tar, 100, 8), field(tar, 108, 8), field(tar, 116, 8),
        field(tar, 124, 12), field(tar, 136, 12), field(tar, 257, 6), field(tar, 263, 2)));
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : tar[i] & 0xff;
    }
    assertEquals(String.format("%06o\0 ", sum), field(tar, 148, 8));
    assertEquals(3 * 512, tar.length, "the header and two zero blocks, no blocking-factor padding");
  }

  @Test
  void paxTime_nanosecondsAndNegativeTimes_formatAsSignedDecimal() {
    assertEquals(List.of("1600000000.000000001", "0", "-1", "-0.500000000", "-2.250000000"),
        List.of(TarStreamWriter.paxTime(new Timestamp(1_600_000_000L, 1)),
            TarStreamWriter.paxTime(new Timestamp(0, 0)),
            TarStreamWriter.paxTime(new Timestamp(-1, 0)),
            TarStreamWriter.paxTime(new Timestamp(-1, 500_000_000)),
            TarStreamWriter.paxTime(new Timestamp(-3, 750_000_000))));
  }

  @Test
  void writeHeaders_timeBeforeEpoch_writesZeroFieldAndPaxMtime() throws Exception {
    byte[] tar = headers(file(0, 0, 0, new Timestamp(-86_400, 0)));
    assertEquals("-86400", new String(DiffFixtures.paxRecords(tar).get("f").get("mtime"), StandardCharsets.US_ASCII));
    assertEquals("00000000000\0", field(tar, 1024 + 136, 12));
  }

  @Test
  void paxRecords_lengthCrossingADigitBoundary_countsItself() {
    // Around 100 bytes the length prefix grows from two digits to three, lengthening the record.
    for (int valueLength = 90; valueLength < 100; valueLength++) {
      PaxRecords pax = new PaxRecords();
      pax.put("k", "v".repeat(valueLength));
      byte[] record = pax.encode();
      String text = new String(record, StandardCharsets.US_ASCII);
      assertEquals(Integer.parseInt(text.substring(0, text.indexOf(' '))), record.length, text);
    }
  }

  @Test
  void paxRecords_keys_areWrittenInByteOrder() {
    PaxRecords pax = new PaxRecords();
    pax.put("mtime", "1");
    pax.put("SCHILY.xattr.user.b", new byte[] {(byte) 0xff});
    pax.put("path", "p");
    pax.put("SCHILY.xattr.user.a", "a");
    String text = new String(pax.encode(), StandardCharsets.ISO_8859_1);
    assertEquals("25 SCHILY.xattr.user.a=a\n25 SCHILY.xattr.user.b=\u00ff\n11 mtime=1\n9 path=p\n", text);
  }

  @Test
  void writeHeaders_xattrNamesOutsideAscii_keepTheirUtf8Bytes() throws Exception {
    TreeMap<String, byte[]> xattrs = new TreeMap<>(NameOrder.BYTES);
    xattrs.put("user.ключ", new byte[] {1});
    byte[] tar = headers(new TarHeader("f", TarHeader.REGULAR, 0644, 0, 0, 0, TarHeader.EPOCH, "", 0, 0, xattrs));
    assertFalse(DiffFixtures.paxRecords(tar).get("f").isEmpty());
    assertEquals(List.of("SCHILY.xattr.user.ключ"), List.copyOf(DiffFixtures.paxRecords(tar).get("f").keySet()));
  }
}
