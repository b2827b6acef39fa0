package dev.strata.tar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The body of a PAX extended header: records {@code "%d %s=%s\n"} where the leading decimal counts
 * the whole record, itself included. Values are raw bytes, so binary xattr values (such as {@code
 * security.capability}) survive byte for byte; commons-compress only takes {@code String} values
 * and would re-encode them as UTF-8, which is why the diff writes its own headers.
 */
final class PaxRecords {

  private final SortedMap<String, byte[]> records = new TreeMap<>(NameOrder.BYTES);

  void put(String key, String value) {
    records.put(key, value.getBytes(StandardCharsets.UTF_8));
  }

  void put(String key, byte[] value) {
    records.put(key, value);
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  /** The records in key order (byte order, as Go's archive/tar writes them). */
  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = r.getValue();
      // " " + key + "=" + value + "\n", then the length prefix, which may grow by a digit once
      // its own digits are counted.
      int rest = 1 + key.length + 1 + value.length + 1;
      int length = rest + digits(rest);
      if (digits(length) > digits(rest)) {
        length = rest + digits(length);
      }
      out.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
      out.write(' ');
      out.writeBytes(key);
      out.write('=');
      out.writeBytes(value);
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static int digits(int n) {
    return Integer.toString(n).length();
  }
}
