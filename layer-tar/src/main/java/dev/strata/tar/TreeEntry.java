package dev.strata.tar;

import dev.strata.posix.DirectoryFd;
import dev.strata.posix.RawNames;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One child of a directory being walked: its name (a raw string), the open directory it is in,
 * and its metadata. The directory stays open while the walk is inside it, which is while the entry
 * is reported; calls on the entry go through it, one name from an open directory.
 */
record TreeEntry(String name, DirectoryFd dir, FileMeta meta) {

  TreeEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(meta, "meta");
  }

  /** Where the entry is; for messages. */
  Path path() {
    return RawNames.resolve(dir.path(), name);
  }
}
