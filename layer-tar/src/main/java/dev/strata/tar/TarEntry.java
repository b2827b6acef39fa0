package dev.strata.tar;

import static dev.strata.files.PrintableNames.quoted;

import dev.strata.posix.Timestamp;
import java.util.Map;

/**
 * One tar member as the applier needs it, free of the tar library's types.
 *
 * @param name the name as recorded (PAX and GNU long names resolved), not yet cleaned
 * @param size bytes of content to write: the expanded size for sparse files
 * @param atime the access time when the archive has one
 * @param xattrs extended attributes, values as raw bytes
 * @param offset where the member's header starts in the uncompressed tar, for messages
 * @param rawName the name as its headers spell it, byte for byte, for messages: {@code name} has
 *     been decoded as UTF-8, and what was not UTF-8 is no longer there to show
 */
record TarEntry(
    String name,
    Type type,
    long size,
    int mode,
    long uid,
    long gid,
    Timestamp mtime,
    Timestamp atime,
    String linkName,
    int devMajor,
    int devMinor,
    Map<String, byte[]> xattrs,
    long offset,
    byte[] rawName) {

  enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARDLINK,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    FIFO,
    /** Carries no file: a GNU volume label. */
    LABEL
  }

  /** How messages name the member. */
  String describe() {
    return "entry " + quoted(rawName) + " (offset " + offset + ")";
  }
}
