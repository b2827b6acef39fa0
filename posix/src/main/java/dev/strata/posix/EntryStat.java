package dev.strata.posix;

import java.util.Objects;

/**
 * What {@code lstat} says about a directory entry, as {@link EntryReads#stat} reads it with {@code
 * statx}: the fields a tree comparison and a tar header use.
 *
 * @param mode the full {@code st_mode}, type bits included
 * @param rdev the device number of a device node, encoded as glibc's {@code makedev} does
 * @param dev the device the entry lives on, encoded the same way
 */
public record EntryStat(
    int mode, long uid, long gid, long size, Timestamp mtime, long rdev, long dev, long ino, int nlink) {

  public EntryStat {
    Objects.requireNonNull(mtime, "mtime");
  }
}
