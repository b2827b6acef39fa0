package dev.strata.tar;

import dev.strata.posix.Timestamp;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;

/**
 * One tar header as the diff writes it, before encoding. {@code name} is relative, with a trailing
 * {@code /} for directories; {@code linkName} is a symlink's target or a hardlink's first path (empty
 * otherwise); {@code size} is the content that follows (regular files only).
 */
record TarHeader(
    String name,
    char typeFlag,
    int permissions,
    long uid,
    long gid,
    long size,
    Timestamp mtime,
    String linkName,
    int devMajor,
    int devMinor,
    SortedMap<String, byte[]> xattrs) {

  static final char REGULAR = '0';
  static final char HARDLINK = '1';
  static final char SYMLINK = '2';
  static final char CHAR_DEVICE = '3';
  static final char BLOCK_DEVICE = '4';
  static final char DIRECTORY = '5';
  static final char FIFO = '6';
  static final char PAX_HEADER = 'x';

  static final Timestamp EPOCH = new Timestamp(0, 0);

  TarHeader {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mtime, "mtime");
    Objects.requireNonNull(linkName, "linkName");
    Objects.requireNonNull(xattrs, "xattrs");
    if (name.isEmpty() || name.startsWith("/")) {
      throw new IllegalArgumentException("tar entry name must be relative: '" + name + "'");
    }
    if (size < 0 || (size > 0 && typeFlag != REGULAR)) {
      throw new IllegalArgumentException("bad size " + size + " for entry '" + name + "'");
    }
  }

  /**
   * An empty regular file with zero metadata: whiteouts and opaque markers. Zero times keep a diff
   * of the same trees byte-identical (containerd does the same since v2).
   */
  static TarHeader marker(String name) {
    return new TarHeader(name, REGULAR, 0, 0, 0, 0, EPOCH, "", 0, 0, Collections.emptySortedMap());
  }
}
