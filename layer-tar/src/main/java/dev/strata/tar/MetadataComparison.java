package dev.strata.tar;

import dev.strata.posix.Timestamp;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Decides whether an entry present in both trees changed, from metadata alone: content is never
 * read (Docker's rule: a write that changes content changes mtime or size too; only code that sets
 * mtime back on purpose can hide a change).
 *
 * <p>Compared for every type: file type, all twelve permission bits, uid, gid, device number
 * (rdev) and the extended attributes (same names, same bytes). For every type but directories,
 * also size, mtime (see {@link #sameTime}) and a symlink's target. A directory's size and mtime are
 * ignored, as Docker does ({@code go-archive/changes_unix.go: statDifferent}, moby#9874): both move
 * whenever a child is added or removed, and those children are reported themselves; a directory
 * with a changed child is listed anyway as that child's ancestor.
 */
final class MetadataComparison {

  private MetadataComparison() {}

  static boolean differs(FileMeta lower, FileMeta upper) {
    return differsBesidesXattrs(lower, upper) || !sameXattrs(lower.xattrs(), upper.xattrs());
  }

  /** {@link #differs} without the xattrs: what one {@code lstat} of each side can tell. */
  static boolean differsBesidesXattrs(FileMeta lower, FileMeta upper) {
    if (lower.type() != upper.type()
        || lower.permissions() != upper.permissions()
        || lower.uid() != upper.uid()
        || lower.gid() != upper.gid()
        || lower.rdev() != upper.rdev()) {
      return true;
    }
    if (upper.isDirectory()) {
      return false;
    }
    return lower.size() != upper.size()
        || !sameTime(lower.mtime(), upper.mtime())
        || !lower.linkTarget().equals(upper.linkTarget());
  }

  /**
   * Equal when identical, or when the seconds match and either side has no nanoseconds: a tar
   * without PAX times (or a filesystem with second granularity) truncates to whole seconds, and a
   * file that went through one must not show as changed ({@code go-archive/changes.go:
   * sameFsTime}).
   */
  static boolean sameTime(Timestamp a, Timestamp b) {
    return a.equals(b) || (a.seconds() == b.seconds() && (a.nanos() == 0 || b.nanos() == 0));
  }

  static boolean sameXattrs(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    // Both maps are sorted by the same order, so equal maps iterate in lockstep.
    Iterator<Map.Entry<String, byte[]>> ia = a.entrySet().iterator();
    Iterator<Map.Entry<String, byte[]>> ib = b.entrySet().iterator();
    while (ia.hasNext()) {
      Map.Entry<String, byte[]> ea = ia.next();
      Map.Entry<String, byte[]> eb = ib.next();
      if (!ea.getKey().equals(eb.getKey()) || !Arrays.equals(ea.getValue(), eb.getValue())) {
        return false;
      }
    }
    return true;
  }
}
