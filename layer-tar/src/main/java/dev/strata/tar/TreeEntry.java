package dev.strata.tar;

import java.nio.file.Path;
import java.util.Objects;

/** One child of a directory being walked: its name, where it is, and its metadata. */
record TreeEntry(String name, Path path, FileMeta meta) {

  TreeEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(meta, "meta");
  }
}
