package dev.strata.tar;

import dev.strata.posix.Timestamp;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one {@code lstat} (plus the link target and the extended attributes) says about an entry:
 * everything the differ compares and everything a tar header carries.
 *
 * @param mode the full {@code st_mode}, type bits included
 * @param linkTarget the target of a symlink, empty for every other type
 * @param xattrs extended attributes by name (sorted in byte order); values are raw bytes
 */
record FileMeta(
    FileType type,
    int mode,
    long uid,
    long gid,
    long size,
    Timestamp mtime,
    long rdev,
    long dev,
    long ino,
    int nlink,
    Optional<String> linkTarget,
    SortedMap<String, byte[]> xattrs) {

  FileMeta {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mtime, "mtime");
    Objects.requireNonNull(linkTarget, "linkTarget");
    if (xattrs.isEmpty()) {
      xattrs = Collections.emptySortedMap();
    } else {
      TreeMap<String, byte[]> copy = new TreeMap<>(NameOrder.BYTES);
      for (Map.Entry<String, byte[]> e : xattrs.entrySet()) {
        copy.put(e.getKey(), e.getValue().clone());
      }
      xattrs = Collections.unmodifiableSortedMap(copy);
    }
  }

  /** The twelve permission bits: rwx for three classes plus setuid, setgid and sticky. */
  int permissions() {
    return mode & 07777;
  }

  /** Overlay's whiteout: a character device numbered 0/0. */
  boolean isOverlayWhiteout() {
    return type == FileType.CHAR_DEVICE && rdev == 0;
  }

  boolean isDirectory() {
    return type == FileType.DIRECTORY;
  }
}
