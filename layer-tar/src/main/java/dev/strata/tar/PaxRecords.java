package dev.strata.tar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The body of a PAX extended header: records {@code "%d %s=%s\n"} where the leading decimal counts
 * the whole record, itself included. Values are raw bytes, so binary xattr values (such as {@code
 * security.capability}) survive byte for byte; commons-compress only takes {@code String} values
 * and would re-encode them as UTF-8, which is why the diff writes its own headers.
 *
 * <p>An entry has a few records at most (most often one: a nanosecond mtime), so they are kept in
 * two small arrays and sorted when encoded.
 */
final class PaxRecords {

  private String[] keys = new String[4];
  private byte[][] values = new byte[4][];
  private int count;

  void put(String key, String value) {
    put(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Adds a record; a key already present gets the new value. */
  void put(String key, byte[] value) {
    for (int i = 0; i < count; i++) {
      if (keys[i].equals(key)) {
        values[i] = value;
        return;
      }
    }
    if (count == keys.length) {
      keys = Arrays.copyOf(keys, count * 2);
      values = Arrays.copyOf(values, count * 2);
    }
    keys[count] = key;
    values[count] = value;
    count++;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** The records in key order (byte order, as Go's archive/tar writes them). */
  byte[] encode() {
    sortByKey();
    byte[][] encodedKeys = new byte[count][];
    int total = 0;
    int[] lengths = new int[count];
    for (int i = 0; i < count; i++) {
      encodedKeys[i] = keys[i].getBytes(StandardCharsets.UTF_8);
      // " " + key + "=" + value + "\n", then the length prefix, which may grow by a digit once
      // its own digits are counted.
      int rest = 1 + encodedKeys[i].length + 1 + values[i].length + 1;
      int length = rest + digits(rest);
      if (digits(length) > digits(rest)) {
        length = rest + digits(length);
      }
      lengths[i] = length;
      total += length;
    }
    byte[] out = new byte[total];
    int at = 0;
    for (int i = 0; i < count; i++) {
      String prefix = Integer.toString(lengths[i]);
      for (int k = 0; k < prefix.length(); k++) {
        out[at++] = (byte) prefix.charAt(k);
      }
      out[at++] = ' ';
      System.arraycopy(encodedKeys[i], 0, out, at, encodedKeys[i].length);
      at += encodedKeys[i].length;
      out[at++] = '=';
      System.arraycopy(values[i], 0, out, at, values[i].length);
      at += values[i].length;
      out[at++] = '\n';
    }
    return out;
  }

  private void sortByKey() {
    for (int i = 1; i < count; i++) {
      String k = keys[i];
      byte[] v = values[i];
      int j = i - 1;
      while (j >= 0 && NameOrder.compare(keys[j], k) > 0) {
        keys[j + 1] = keys[j];
        values[j + 1] = values[j];
        j--;
      }
      keys[j + 1] = k;
      values[j + 1] = v;
    }
  }

  private static int digits(int n) {
    int d = 1;
    for (int x = n; x >= 10; x /= 10) {
      d++;
    }
    return d;
  }
}
