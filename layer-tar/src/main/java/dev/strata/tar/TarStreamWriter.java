package dev.strata.tar;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.posix.RawNames;
import dev.strata.posix.ReadOnlyFile;
import dev.strata.posix.Timestamp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes a POSIX.1-2001 (PAX) tar: a ustar header per entry, preceded by an extended header when a
 * value does not fit ustar (name or link name over 100 bytes or not ASCII, uid or gid over
 * 2,097,151, size of 8 GiB or more, a time with nanoseconds or outside 1970..2242) and whenever the
 * entry has xattrs ({@code SCHILY.xattr.NAME}, the key GNU tar, bsdtar and Go read). Owner names
 * stay empty, access and change times are never written: the same tree gives the same bytes. The
 * stream ends with two zero blocks and no further padding, as Go's writer (and so Docker) ends it.
 *
 * <p>File content is copied through one reusable buffer, so memory stays flat whatever the size.
 */
final class TarStreamWriter {

  private static final int BLOCK = 512;
  private static final long MAX_OCTAL_7 = 07777777L;
  private static final long MAX_OCTAL_11 = 077777777777L;
  private static final int NAME_FIELD = 100;

  private final OutputStream out;
  private final byte[] header = new byte[BLOCK];
  private final byte[] buffer = new byte[256 * 1024];
  /** Where content is read into: the kernel writes a direct buffer in place. */
  private final ByteBuffer direct = ByteBuffer.allocateDirect(256 * 1024);
  private final byte[] zeros = new byte[BLOCK];

  TarStreamWriter(OutputStream out) {
    this.out = out;
  }

  /** Writes {@code entry} and, for a regular file of non-zero size, its content read from {@code content}. */
  void write(TarHeader entry, ReadOnlyFile content) throws IOException {
    writeHeaders(entry);
    if (entry.size() > 0) {
      copyContent(content, entry.size());
    }
  }

  /** The entry's extended header (when needed) and ustar header, without content. */
  void writeHeaders(TarHeader entry) throws IOException {
    PaxRecords pax = new PaxRecords();
    String name = fieldOrPax(entry.name(), "path", pax);
    String linkName = fieldOrPax(entry.linkName(), "linkpath", pax);
    long uid = numberOrPax(entry.uid(), MAX_OCTAL_7, "uid", pax);
    long gid = numberOrPax(entry.gid(), MAX_OCTAL_7, "gid", pax);
    long size = numberOrPax(entry.size(), MAX_OCTAL_11, "size", pax);
    Timestamp t = entry.mtime();
    long mtime = t.seconds() >= 0 && t.seconds() <= MAX_OCTAL_11 ? t.seconds() : 0;
    if (t.nanos() != 0 || mtime != t.seconds()) {
      pax.put("mtime", paxTime(t));
    }
    for (Map.Entry<String, byte[]> x : entry.xattrs().entrySet()) {
      pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
    }
    if (!pax.isEmpty()) {
      byte[] body = pax.encode();
      writeHeader(paxName(entry.name()), TarHeader.PAX_HEADER, 0, 0, 0, body.length, 0, "", 0, 0);
      out.write(body);
      pad(body.length);
    }
    writeHeader(name, entry.typeFlag(), entry.permissions(), uid, gid, size, mtime, linkName,
        entry.devMajor(), entry.devMinor());
  }

  /** The end-of-archive marker: two zero blocks. Flushes; does not close the stream. */
  void finish() throws IOException {
    out.write(zeros);
    out.write(zeros);
    out.flush();
  }

  private void writeHeader(String name, char type, int mode, long uid, long gid, long size,
      long mtime, String linkName, int devMajor, int devMinor) throws IOException {
    Arrays.fill(header, (byte) 0);
    putString(name, 0, NAME_FIELD);
    putOctal(mode, 100, 8);
    putOctal(uid, 108, 8);
    putOctal(gid, 116, 8);
    putOctal(size, 124, 12);
    putOctal(mtime, 136, 12);
    header[156] = (byte) type;
    putString(linkName, 157, NAME_FIELD);
    putString("ustar", 257, 6);
    putString("00", 263, 2);
    putOctal(devMajor, 329, 8);
    putOctal(devMinor, 337, 8);
    // The checksum is computed with its own field read as eight spaces.
    Arrays.fill(header, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    putOctal(sum, 148, 7);
    header[155] = ' ';
    out.write(header);
  }

  /**
   * Each read asks for one byte more than is left, so a file that grew shows without a read of
   * its own, and a short last read (the end of the file) needs no read past it either.
   */
  private void copyContent(ReadOnlyFile file, long size) throws IOException {
    long left = size;
    boolean atEnd = false;
    while (left > 0) {
      int want = (int) Math.min(direct.capacity(), left + 1);
      direct.clear().limit(want);
      int n = file.read(direct);
      if (n == 0) {
        throw changed(file, "shrank below the " + size + " bytes it had when listed");
      }
      if (n > left) {
        throw changed(file, "grew past the " + size + " bytes it had when listed");
      }
      direct.flip().get(buffer, 0, n);
      out.write(buffer, 0, n);
      left -= n;
      atEnd = n < want;
    }
    if (!atEnd) {
      direct.clear().limit(1);
      if (file.read(direct) > 0) {
        throw changed(file, "grew past the " + size + " bytes it had when listed");
      }
    }
    pad(size);
  }

  private static FailedPreconditionException changed(ReadOnlyFile file, String what) {
    return new FailedPreconditionException(RawNames.printable(file.path()),
        "file " + what + " while the diff was written; stop writers to the layer and retry");
  }

  private void pad(long length) throws IOException {
    int rem = (int) (length % BLOCK);
    if (rem != 0) {
      out.write(zeros, 0, BLOCK - rem);
    }
  }

  /** {@code value} when it fits the 100-byte ASCII field, else a PAX record and an ASCII stand-in. */
  private static String fieldOrPax(String value, String key, PaxRecords pax) {
    if (value.length() <= NAME_FIELD && isAscii(value)) {
      return value;
    }
    pax.put(key, RawNames.bytes(value));
    return asciiPrefix(value);
  }

  private static long numberOrPax(long value, long max, String key, PaxRecords pax) {
    if (value <= max) {
      return value;
    }
    pax.put(key, Long.toString(value));
    return 0;
  }

  /** Go-style {@code dir/PaxHeaders.0/base}: readers that ignore PAX extract it as a plain file. */
  private static String paxName(String name) {
    String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    int slash = trimmed.lastIndexOf('/');
    String dir = slash < 0 ? "" : trimmed.substring(0, slash + 1);
    return asciiPrefix(dir + "PaxHeaders.0/" + trimmed.substring(slash + 1));
  }

  /** {@code secs.nnnnnnnnn}; a negative time counts down from the epoch, as POSIX reads it. */
  static String paxTime(Timestamp t) {
    if (t.nanos() == 0) {
      return Long.toString(t.seconds());
    }
    if (t.seconds() < 0) {
      return "-" + (-(t.seconds() + 1)) + "." + nineDigits(1_000_000_000 - t.nanos());
    }
    return t.seconds() + "." + nineDigits(t.nanos());
  }

  /** Zero-padded to nine digits; {@code String.format} costs more than the rest of a header. */
  private static String nineDigits(int nanos) {
    String digits = Integer.toString(nanos);
    return "000000000".substring(digits.length()) + digits;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || c >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String asciiPrefix(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), NAME_FIELD));
    for (int i = 0; i < s.length() && b.length() < NAME_FIELD; i++) {
      char c = s.charAt(i);
      if (c != 0 && c < 0x80) {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The ASCII {@code s} (a name made ASCII by {@link #fieldOrPax} or a fixed word), cut to {@code length}. */
  private void putString(String s, int offset, int length) {
    int n = Math.min(s.length(), length);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      header[offset + i] = c < 0x80 ? (byte) c : (byte) '?';
    }
  }

  /** {@code length - 1} zero-padded octal digits and a NUL. */
  private void putOctal(long value, int offset, int length) {
    int width = length - 1;
    if (value < 0 || (width < 21 && value >>> (3 * width) != 0)) {
      throw new IllegalArgumentException("value " + value + " does not fit a " + length + "-byte tar field");
    }
    long v = value;
    for (int i = offset + width - 1; i >= offset; i--) {
      header[i] = (byte) ('0' + (v & 7));
      v >>>= 3;
    }
    header[offset + width] = 0;
  }
}
