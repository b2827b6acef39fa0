package dev.strata.tar;

import static dev.strata.files.PrintableNames.quoted;

import dev.strata.driver.error.CorruptException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the header blocks {@link HeaderTap} recorded for one entry, as the bytes were written:
 * verifies every header checksum (commons-compress 1.27 does not) and extracts xattrs from PAX
 * records with their values as raw bytes. Global PAX xattrs ({@code typeflag g}) apply to every
 * later entry, as POSIX says.
 */
final class RawHeaders {

  static final int BLOCK = 512;
  private static final String SCHILY = "SCHILY.xattr.";
  /** libarchive writes the name percent-encoded and the value base64-encoded. */
  private static final String LIBARCHIVE = "LIBARCHIVE.xattr.";

  /** What the recorded bytes hold after the previous entry's data. */
  enum Kind {
    /** A header block: the entry commons-compress returned. */
    ENTRY,
    /** An all-zero block: the end-of-archive marker. */
    END_MARKER,
    /** Nothing at all, at a block boundary: an archive without end marker (Go's reader accepts it). */
    CLEAN_END,
    /** Fewer than 512 bytes where a header should be. */
    TRUNCATED
  }

  /**
   * @param offset where the entry's own header (or the end) starts in the uncompressed tar
   * @param name the entry's name as its headers spell it ({@link HeaderNames}); empty but for an entry
   * @param linkName the entry's link target as its headers spell it; empty but for an entry
   */
  record Scan(Kind kind, long offset, Map<String, byte[]> xattrs, byte[] name, byte[] linkName) {}

  private static final byte[] NO_NAME = new byte[0];

  private final Map<String, byte[]> globalXattrs = new LinkedHashMap<>();

  /** @param entry the member's name when the tar reader found one, for messages; else null */
  Scan scan(HeaderTap tap, String entry) throws CorruptException {
    try {
      return scan(tap);
    } catch (CorruptException e) {
      if (entry == null) {
        throw e;
      }
      throw new CorruptException(entry, "entry " + quoted(entry) + ": " + e.getMessage(), e);
    }
  }

  private Scan scan(HeaderTap tap) throws CorruptException {
    byte[] buf = tap.recordBuffer();
    int len = tap.recorded();
    long start = tap.recordStart();
    int p = (int) (align(start) - start);
    Map<String, byte[]> local = null;
    HeaderNames names = new HeaderNames();
    while (true) {
      long at = start + p;
      if (p >= len) {
        return new Scan(Kind.CLEAN_END, at, Map.of(), NO_NAME, NO_NAME);
      }
      if (p + BLOCK > len) {
        return new Scan(Kind.TRUNCATED, at, Map.of(), NO_NAME, NO_NAME);
      }
      if (isZero(buf, p, BLOCK)) {
        return new Scan(Kind.END_MARKER, at, Map.of(), NO_NAME, NO_NAME);
      }
      verifyChecksum(buf, p, at);
      byte type = buf[p + 156];
      if (type == 'x' || type == 'X' || type == 'g' || type == 'L' || type == 'K') {
        long size = parseNumber(buf, p + 124, 12, at);
        if (size < 0 || p + BLOCK + size > len) {
          throw new CorruptException("offset " + at,
              "extended header at offset " + at + " declares " + size + " bytes the archive does not hold");
        }
        if (type == 'g') {
          parsePax(buf, p + BLOCK, (int) size, globalXattrs, at, true);
        } else if (type != 'L' && type != 'K') {
          local = local == null ? new LinkedHashMap<>() : local;
          parsePax(buf, p + BLOCK, (int) size, local, at, false);
        }
        names.extended(type, buf, p + BLOCK, (int) size, at);
        p += BLOCK + (int) align(size);
        continue;
      }
      return new Scan(Kind.ENTRY, at, merge(local), names.entry(buf, p), names.link(buf, p));
    }
  }

  private Map<String, byte[]> merge(Map<String, byte[]> local) {
    if (globalXattrs.isEmpty()) {
      return local == null ? Map.of() : Collections.unmodifiableMap(local);
    }
    Map<String, byte[]> all = new LinkedHashMap<>(globalXattrs);
    if (local != null) {
      all.putAll(local);
    }
    return Collections.unmodifiableMap(all);
  }

  static long align(long n) {
    return (n + BLOCK - 1) & ~(long) (BLOCK - 1);
  }

  static boolean isZero(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * POSIX: the sum of the header's bytes with the checksum field taken as eight spaces. Historic
   * tars summed signed bytes; GNU tar accepts either, and so do we.
   */
  static void verifyChecksum(byte[] b, int p, long at) throws CorruptException {
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int v = (i >= 148 && i < 156) ? ' ' : b[p + i];
      unsigned += v & 0xff;
      signed += (byte) v;
    }
    long stored;
    try {
      stored = parseOctal(b, p + 148, 8);
    } catch (NumberFormatException e) {
      stored = -1;
    }
    if (stored != unsigned && stored != signed) {
      throw new CorruptException("offset " + at, "tar header at offset " + at
          + " has a bad checksum (stored " + stored + ", computed " + unsigned + "): the archive is corrupt");
    }
  }

  /** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
  static long parseNumber(byte[] b, int off, int len, long at) throws CorruptException {
    if ((b[off] & 0x80) != 0) {
      if ((b[off] & 0x40) != 0 || len > 9 && !isZero(b, off + 1, len - 9)) {
        return -1; // negative or wider than 63 bits: no size is that
      }
      long v = 0;
      for (int i = off + Math.max(1, len - 8); i < off + len; i++) {
        v = (v << 8) | (b[i] & 0xff);
      }
      return v;
    }
    try {
      return parseOctal(b, off, len);
    } catch (NumberFormatException e) {
      throw new CorruptException("offset " + at, "tar header at offset " + at + " has a malformed number field");
    }
  }

  static long parseOctal(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && (b[i] == ' ' || b[i] == 0)) {
      i++;
    }
    long v = 0;
    int digits = 0;
    for (; i < end && b[i] != ' ' && b[i] != 0; i++) {
      if (b[i] < '0' || b[i] > '7' || ++digits > 21) {
        throw new NumberFormatException("not octal");
      }
      v = (v << 3) + (b[i] - '0');
    }
    if (digits == 0) {
      throw new NumberFormatException("empty");
    }
    return v;
  }

  /** Reads the xattrs of a PAX body into {@code into}. */
  private static void parsePax(byte[] b, int off, int size, Map<String, byte[]> into, long at, boolean global)
      throws CorruptException {
    paxRecords(b, off, size, at, (key, value) -> {
      if (key.startsWith(SCHILY) && key.length() > SCHILY.length()) {
        String name = key.substring(SCHILY.length());
        if (global && value.length == 0) {
          into.remove(name); // an empty global value cancels the setting
        } else {
          into.put(name, value);
        }
      } else if (key.startsWith(LIBARCHIVE) && key.length() > LIBARCHIVE.length()) {
        try {
          String name = URLDecoder.decode(key.substring(LIBARCHIVE.length()), StandardCharsets.UTF_8);
          into.putIfAbsent(name, Base64.getDecoder().decode(value));
        } catch (IllegalArgumentException e) {
          throw new CorruptException("offset " + at, "bad LIBARCHIVE.xattr record at offset " + at, e);
        }
      }
    });
  }

  /** One record of a PAX body: its key, and its value as raw bytes. */
  @FunctionalInterface
  interface PaxRecord {
    void accept(String key, byte[] value) throws CorruptException;
  }

  /**
   * Walks the records of the PAX body at {@code off}: {@code "<len> <key>=<value>\n"}, len counting
   * the whole record in bytes.
   *
   * @param at the extended header's offset, for messages
   * @throws CorruptException at the first malformed record
   */
  static void paxRecords(byte[] b, int off, int size, long at, PaxRecord each) throws CorruptException {
    int q = off;
    int end = off + size;
    while (q < end && b[q] != 0) {
      int sp = q;
      long recLen = 0;
      while (sp < end && b[sp] >= '0' && b[sp] <= '9' && recLen < Integer.MAX_VALUE) {
        recLen = recLen * 10 + (b[sp++] - '0');
      }
      if (sp == q || sp >= end || b[sp] != ' ' || recLen <= sp - q + 1 || q + recLen > end
          || b[(int) (q + recLen - 1)] != '\n') {
        throw new CorruptException("offset " + at, "malformed PAX record in the extended header at offset " + at);
      }
      int recEnd = (int) (q + recLen - 1);
      int eq = sp + 1;
      while (eq < recEnd && b[eq] != '=') {
        eq++;
      }
      if (eq >= recEnd) {
        throw new CorruptException("offset " + at, "PAX record without '=' in the extended header at offset " + at);
      }
      each.accept(new String(b, sp + 1, eq - sp - 1, StandardCharsets.UTF_8), Arrays.copyOfRange(b, eq + 1, recEnd));
      q = (int) (q + recLen);
    }
  }
}
