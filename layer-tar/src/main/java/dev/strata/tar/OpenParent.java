package dev.strata.tar;

import dev.strata.posix.DirectoryFd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * The directory the last file was created in, kept open. A layer tar lists a directory's files
 * together, so nearly every file is created relative to a descriptor already open, with a
 * one-component lookup instead of a walk from {@code /}. The apply session drops it whenever the
 * directory, or one above it, is deleted or replaced, so it never names a directory that is gone.
 */
final class OpenParent implements AutoCloseable {

  private static final int SETGID = 02000;

  private String rel;
  private DirectoryFd fd;
  /** The group a new file in the open directory inherits (setgid directory), or -1. */
  private int inheritedGid = -1;

  /** The open directory {@code dir} (at {@code path}), opening it unless it is the one kept. */
  DirectoryFd open(EntryPath dir, Path path) throws IOException {
    if (fd != null && dir.rel().equals(rel)) {
      return fd;
    }
    close();
    fd = DirectoryFd.open(path);
    rel = dir.rel();
    try {
      Map<String, Object> a = Files.readAttributes(path, "unix:mode,gid", LinkOption.NOFOLLOW_LINKS);
      inheritedGid = ((Integer) a.get("mode") & SETGID) != 0 ? (Integer) a.get("gid") : -1;
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    return fd;
  }

  /** The group a file created now in the open directory gets: its own if setgid, else {@code gid}. */
  int newFileGid(int gid) {
    return inheritedGid >= 0 ? inheritedGid : gid;
  }

  /** {@code p} was deleted or replaced: drops the kept directory if it is {@code p} or below it. */
  void forget(EntryPath p) {
    if (rel != null && (p.isRoot() || rel.equals(p.rel()) || rel.startsWith(p.rel() + "/"))) {
      close();
    }
  }

  /** Everything strictly below {@code p} may have changed. */
  void forgetBelow(EntryPath p) {
    if (rel != null && (p.isRoot() ? !rel.isEmpty() : rel.startsWith(p.rel() + "/"))) {
      close();
    }
  }

  @Override
  public void close() {
    if (fd != null) {
      fd.close();
      fd = null;
      rel = null;
      inheritedGid = -1;
    }
  }
}
