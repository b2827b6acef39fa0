package dev.strata.tar;

import static dev.strata.files.PrintableNames.quotedRaw;

import dev.strata.posix.RawNames;
import dev.strata.posix.Timestamp;
import java.util.Map;

/**
 * One tar member as the applier needs it, free of the tar library's types.
 *
 * @param name the name as recorded (PAX and GNU long names resolved), not yet cleaned: a raw string
 *     ({@link RawNames}), byte for byte what the headers say
 * @param size bytes of content to write: the expanded size for sparse files
 * @param atime the access time when the archive has one
 * @param xattrs extended attributes, values as raw bytes
 * @param linkName a link's target, a raw string; empty for other entries
 * @param offset where the member's header starts in the uncompressed tar, for messages
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
    long offset) {

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
    return "entry " + quotedRaw(name) + " (offset " + offset + ")";
  }

  /** The member's name for an exception's subject: printable, byte for byte. */
  String subject() {
    return RawNames.printable(name);
  }
}
