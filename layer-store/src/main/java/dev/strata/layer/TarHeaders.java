package dev.strata.layer;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The few fields of a tar header block and of PAX records the tar-split recorder needs. Names are
 * raw strings ({@link dev.strata.posix.RawNames}): one char per byte, whatever the encoding.
 */
final class TarHeaders {

  record Pax(Optional<String> path, OptionalLong size, boolean sparse) {}

  private TarHeaders() {}

  /** The size field: octal, or GNU base-256 when the high bit of its first byte is set. */
  static long size(byte[] h) {
    if ((h[124] & 0x80) != 0) {
      long v = 0;
      for (int i = 125; i < 136; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      if (v < 0) {
        throw new IllegalArgumentException("negative base-256 size");
      }
      return v;
    }
    long v = 0;
    boolean digits = false;
    for (int i = 124; i < 136; i++) {
      int c = h[i] & 0xff;
      if (c == 0 || c == ' ') {
        if (digits) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7') {
        throw new IllegalArgumentException("bad octal size");
      }
      digits = true;
      v = v * 8 + (c - '0');
    }
    return v;
  }

  /**
   * The entry name: ustar prefix + "/" + name when the header is POSIX ustar ({@code "ustar\0"};
   * the old GNU format keeps other fields where the prefix would be), else name.
   */
  static String name(byte[] h) {
    String name = field(h, 0, 100);
    boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r'
        && h[262] == 0;
    if (ustar && h[345] != 0) {
      return field(h, 345, 155) + "/" + name;
    }
    return name;
  }

  /** PAX extended header records: {@code "<len> key=value\n"}, len counting the whole record. */
  static Pax parsePax(byte[] data) {
    Optional<String> path = Optional.empty();
    OptionalLong size = OptionalLong.empty();
    boolean sparse = false;
    int i = 0;
    while (i < data.length) {
      int sp = i;
      while (sp < data.length && data[sp] != ' ') {
        sp++;
      }
      if (sp >= data.length) {
        break;
      }
      int len;
      try {
        len = Integer.parseInt(new String(data, i, sp - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        break;
      }
      if (len <= 0 || i + len > data.length) {
        break;
      }
      int eq = sp + 1;
      while (eq < i + len && data[eq] != '=') {
        eq++;
      }
      if (eq >= i + len) {
        break;
      }
      String key = new String(data, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
      String value = new String(data, eq + 1, i + len - eq - 2, StandardCharsets.ISO_8859_1);
      switch (key) {
        case "path" -> path = Optional.of(value);
        case "size" -> {
          try {
            size = OptionalLong.of(Long.parseLong(value));
          } catch (NumberFormatException e) {
            // leave the header's own size in force; the applier reports the bad record
          }
        }
        default -> sparse |= key.startsWith("GNU.sparse.");
      }
      i += len;
    }
    return new Pax(path, size, sparse);
  }

  /** Bytes up to the first NUL, as a raw string. */
  static String cString(byte[] data) {
    int n = 0;
    while (n < data.length && data[n] != 0) {
      n++;
    }
    return new String(data, 0, n, StandardCharsets.ISO_8859_1);
  }

  private static String field(byte[] h, int off, int len) {
    int n = 0;
    while (n < len && h[off + n] != 0) {
      n++;
    }
    return new String(h, off, n, StandardCharsets.ISO_8859_1);
  }
}
