package dev.strata.tar;

import static dev.strata.files.PrintableNames.quoted;

import dev.strata.driver.error.CorruptException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An entry's name and link target as its header blocks spell them, in raw bytes. commons-compress
 * hands out names decoded as UTF-8, in which bytes that are not UTF-8 have become U+FFFD: these are
 * the bytes the file is really named by, and messages show them as they were. The name is a PAX
 * {@code GNU.sparse.name} (a sparse file's real name), else a PAX {@code path}, else a GNU long
 * name, else the ustar prefix and name: the order in which commons-compress lets one override the
 * other. The link target is a PAX {@code linkpath}, else a GNU long link name, else the ustar
 * link name field.
 *
 * <p>One instance collects what the extended headers before one entry say.
 */
final class HeaderNames {

  private static final int BLOCK = RawHeaders.BLOCK;

  private byte[] longName;
  private byte[] longLink;
  private byte[] paxPath;
  private byte[] paxLinkPath;
  private byte[] sparseName;

  /**
   * Takes what an extended header of {@code type} says about the next entry's name. Lenient: a
   * malformed PAX body ends the search (the strict parse in {@link RawHeaders} reports it).
   */
  void extended(byte type, byte[] b, int off, int size, long at) {
    if (type == 'L') {
      longName = field(b, off, size);
    } else if (type == 'K') {
      longLink = field(b, off, size);
    } else if (type == 'x' || type == 'X') {
      try {
        RawHeaders.paxRecords(b, off, size, at, (key, value) -> {
          if (key.equals("path")) {
            paxPath = value;
          } else if (key.equals("linkpath")) {
            paxLinkPath = value;
          } else if (key.equals("GNU.sparse.name")) {
            sparseName = value;
          }
        });
      } catch (CorruptException malformed) {
        // The records before the malformed one have been taken; that is all a message needs.
      }
    }
  }

  /** The name of the entry whose own header is the block at {@code p}. */
  byte[] entry(byte[] b, int p) {
    if (sparseName != null) {
      return sparseName;
    }
    if (paxPath != null) {
      return paxPath;
    }
    return longName != null ? longName : ustar(b, p);
  }

  /** The link target of the entry whose own header is the block at {@code p}. */
  byte[] link(byte[] b, int p) {
    if (paxLinkPath != null) {
      return paxLinkPath;
    }
    return longLink != null ? longLink : field(b, p + 157, 100);
  }

  /**
   * Names what the recorded header blocks hold, for a message when the tar reader failed before
   * returning an entry (a broken sparse map, an extended header cut short): {@code "entry 'name'
   * (offset N)"}; {@code "extended header 'name' (offset N)"} when the failure is inside an
   * extended header, named by its own ustar name; empty when no header block was recorded.
   *
   * @throws CorruptException when a recorded header block has a bad checksum: it is then no header
   *     at all, and its "name" would be whatever bytes are there
   */
  static Optional<String> describeUnreadable(HeaderTap tap) throws CorruptException {
    byte[] buf = tap.recordBuffer();
    int len = tap.recorded();
    long start = tap.recordStart();
    int p = (int) (RawHeaders.align(start) - start);
    HeaderNames names = new HeaderNames();
    while (p >= 0 && p + BLOCK <= len && !RawHeaders.isZero(buf, p, BLOCK)) {
      long at = start + p;
      RawHeaders.verifyChecksum(buf, p, at);
      byte type = buf[p + 156];
      if (type != 'x' && type != 'X' && type != 'g' && type != 'L' && type != 'K') {
        return Optional.of("entry " + quoted(names.entry(buf, p)) + " (offset " + at + ")");
      }
      long size;
      try {
        size = RawHeaders.parseOctal(buf, p + 124, 12);
      } catch (NumberFormatException e) {
        size = -1;
      }
      if (size < 0 || p + BLOCK + size > len) {
        return Optional.of("extended header " + quoted(ustar(buf, p)) + " (offset " + at + ")");
      }
      names.extended(type, buf, p + BLOCK, (int) size, at);
      p += BLOCK + (int) RawHeaders.align(size);
    }
    return Optional.empty();
  }

  /**
   * Names the header block the archive ends in the middle of: {@code "entry 'name' (offset N), cut
   * after K of its 512 header bytes"} when the 100-byte name field is all there, else the offset.
   */
  static String describeTruncated(HeaderTap tap, long offset) {
    int p = (int) (offset - tap.recordStart());
    int have = tap.recorded() - p;
    String cut = ", cut after " + have + " of its " + BLOCK + " header bytes";
    if (p < 0 || have < 100) {
      return "the header at offset " + offset + cut;
    }
    return "entry " + quoted(field(tap.recordBuffer(), p, 100)) + " (offset " + offset + ")" + cut;
  }

  /**
   * The ustar name of the header block at {@code p}: its prefix field, a slash and its name field.
   * Only a POSIX header ({@code "ustar\0"}) has a prefix (131 bytes in star's variant, which ends
   * the block with {@code "tar\0"}); the old GNU format keeps times and a sparse map there.
   */
  private static byte[] ustar(byte[] b, int p) {
    byte[] name = field(b, p, 100);
    if (!(b[p + 257] == 'u' && b[p + 258] == 's' && b[p + 259] == 't' && b[p + 260] == 'a'
        && b[p + 261] == 'r' && b[p + 262] == 0)) {
      return name;
    }
    boolean star = b[p + 508] == 't' && b[p + 509] == 'a' && b[p + 510] == 'r' && b[p + 511] == 0;
    byte[] prefix = field(b, p + 345, star ? 131 : 155);
    if (prefix.length == 0) {
      return name;
    }
    byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
    joined[prefix.length] = '/';
    System.arraycopy(name, 0, joined, prefix.length + 1, name.length);
    return joined;
  }

  /** A NUL-terminated field, without the NUL. */
  private static byte[] field(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return Arrays.copyOfRange(b, off, end);
  }
}
