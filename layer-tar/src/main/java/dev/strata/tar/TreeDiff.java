package dev.strata.tar;

import dev.strata.driver.Change;
import dev.strata.posix.DirectoryFd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The double walk: compares a lower tree (the parent's view) with an upper tree (the layer's view)
 * directory by directory and reports every difference to a {@link DiffVisitor} in tar order.
 *
 * <ul>
 *   <li>A name only in the upper is added, and so is everything below it.
 *   <li>A name only in the lower is deleted, once: its subtree is not reported.
 *   <li>A name in both is modified when {@link MetadataComparison#differs} says so. When the upper
 *       one is a directory the walk descends; if the lower one was not a directory, every child is
 *       added. A directory replaced by a non-directory is one modification (its old children are
 *       not listed, as in Docker).
 *   <li>A directory present in both whose own metadata is unchanged but which holds a change is
 *       reported as an ancestor just before its first change, so every change comes after all its
 *       directories. The root itself is never reported: it is the mount point, not layer content.
 *   <li>A directory present in both trees is opaque when its lower side had at least one child and
 *       none of those names exists in the upper side.
 * </ul>
 *
 * Only directories present in the upper are read, and a lower directory is read only when its
 * upper counterpart is a directory too. Of the lower tree only the names matter until an upper
 * entry has the same name: then that one entry's metadata is read, and its xattrs only when
 * everything else matches (a rewritten file already differs in size or mtime). Every directory is
 * walked through its open descriptor, so each read resolves one name.
 */
final class TreeDiff {

  private static final String WHITEOUT_PREFIX = ".wh.";

  private final TreeReader lowerReader;
  private final TreeReader upperReader;
  private final DiffVisitor visitor;
  /** Set for {@link #runUpperDir}: how overlay marks an upper directory opaque. */
  private final String opaqueXattr;
  /** Unchanged directories entered but not yet reported: reported only once a change shows up. */
  private final List<Pending> pending = new ArrayList<>();

  private record Pending(String path, TreeEntry entry) {}

  /**
   * One step in a directory: an upper child with the metadata of its lower namesake (null when
   * there is none; xattrs not read), or a deletion of the lower child {@code name} ({@code upper}
   * null).
   */
  private record Step(String sortKey, String name, TreeEntry upper, FileMeta lower) {}

  private static final Comparator<Step> BY_TAR_NAME =
      Comparator.comparing(Step::sortKey, NameOrder.BYTES);

  TreeDiff(TreeReader reader, DiffVisitor visitor) {
    this(reader, reader, visitor, null);
  }

  /**
   * For {@link #runUpperDir}: {@code upperReader} reads a raw upper (whiteouts are markers,
   * overlay's attributes hidden), {@code opaqueXattr} is {@code trusted.overlay.opaque} (or {@code
   * user.overlay.opaque}).
   */
  TreeDiff(TreeReader lowerReader, TreeReader upperReader, DiffVisitor visitor, String opaqueXattr) {
    this.lowerReader = lowerReader;
    this.upperReader = upperReader;
    this.visitor = visitor;
    this.opaqueXattr = opaqueXattr;
  }

  /**
   * Walks {@code upper} against {@code lower} ({@code null} for a base layer: all is added). Every
   * upper directory the walk opens is handed to {@link DiffVisitor#release} when it is done with
   * it; the roots stay the caller's.
   */
  void run(DirectoryFd lower, DirectoryFd upper) throws IOException {
    walk("", lower, upper);
  }

  /**
   * Walks an overlay upper directory (a layer's own {@code diff/}, not its view) against the
   * parent's view, reporting what {@link #run} would report for the layer's view: a directory the
   * upper does not hold is the parent's, unchanged, and never read; a whiteout device is a deletion
   * when the parent's view has the name; an opaque or replaced directory is the whole truth below
   * it and is compared as a plain tree. The upper must hold no redirected directories and no
   * metacopy files (their content lives elsewhere).
   */
  void runUpperDir(DirectoryFd lowerView, DirectoryFd upperDir) throws IOException {
    if (lowerView == null) {
      walk("", null, upperDir);
    } else {
      walkMerged("", lowerView, upperDir);
    }
  }

  private void walkMerged(String dir, DirectoryFd lowerDir, DirectoryFd upperDir) throws IOException {
    List<Step> steps = new ArrayList<>();
    int whitedOut = 0;
    for (TreeEntry u : upperReader.children(upperDir, true)) {
      FileMeta lower = lowerReader.withoutXattrs(lowerDir, u.name());
      if (u.meta().isOverlayWhiteout()) {
        if (lower != null) {
          whitedOut++;
          steps.add(new Step(WHITEOUT_PREFIX + u.name(), u.name(), null, lower));
        }
      } else {
        steps.add(new Step(u.name(), u.name(), u, lower));
      }
    }
    // Opaque exactly when every name of the lower directory is whited out, as run() decides it.
    boolean opaque = whitedOut > 0 && whitedOut == lowerReader.names(lowerDir).size();
    steps.sort(BY_TAR_NAME);
    if (opaque) {
      flushPending();
      visitor.opaque(dir);
    }
    for (Step step : steps) {
      if (step.upper() == null) {
        flushPending();
        visitor.deleted(child(dir, step.name()), opaque);
      } else {
        visitMerged(child(dir, step.name()), step.upper(), step.lower(), lowerDir);
      }
    }
  }

  private void visitMerged(String path, TreeEntry upper, FileMeta lower, DirectoryFd lowerDir) throws IOException {
    if (lower == null || !upper.meta().isDirectory()) {
      visit(path, upper, lower, lowerDir);
      return;
    }
    boolean differs = differs(lower, upper, lowerDir);
    if (differs) {
      flushPending();
      visitor.changed(path, upper, Change.Kind.MODIFIED);
    } else {
      pending.add(new Pending(path, upper));
    }
    DirectoryFd upperSub = upper.dir().openDirectory(upper.name());
    try {
      if (!lower.isDirectory()) {
        walk(path, null, upperSub);
      } else {
        try (DirectoryFd lowerSub = lowerDir.openDirectory(upper.name())) {
          if (upperReader.hasXattr(upper.dir(), upper.name(), opaqueXattr)) {
            walk(path, lowerSub, upperSub);
          } else {
            walkMerged(path, lowerSub, upperSub);
          }
        }
      }
    } finally {
      visitor.release(upperSub);
    }
    if (!pending.isEmpty() && pending.get(pending.size() - 1).path().equals(path)) {
      pending.remove(pending.size() - 1);
    }
  }

  private void walk(String dir, DirectoryFd lowerDir, DirectoryFd upperDir) throws IOException {
    List<TreeEntry> uppers = upperReader.children(upperDir, false);
    Set<String> lowerNames = lowerDir == null ? Set.of() : new HashSet<>(lowerReader.names(lowerDir));
    boolean lowerHadChildren = !lowerNames.isEmpty();
    List<Step> steps = new ArrayList<>(uppers.size() + 1);
    boolean anyLowerSurvives = false;
    for (TreeEntry u : uppers) {
      FileMeta l = lowerHadChildren && lowerNames.remove(u.name()) ? lowerReader.withoutXattrs(lowerDir, u.name()) : null;
      anyLowerSurvives |= l != null;
      steps.add(new Step(u.name(), u.name(), u, l));
    }
    boolean opaque = lowerHadChildren && !anyLowerSurvives;
    if (!lowerNames.isEmpty()) {
      for (String l : lowerNames) {
        steps.add(new Step(WHITEOUT_PREFIX + l, l, null, null));
      }
      steps.sort(BY_TAR_NAME);
    }
    if (opaque) {
      flushPending();
      visitor.opaque(dir);
    }
    for (Step step : steps) {
      if (step.upper() == null) {
        flushPending();
        visitor.deleted(child(dir, step.name()), opaque);
      } else {
        visit(child(dir, step.name()), step.upper(), step.lower(), lowerDir);
      }
    }
  }

  private void visit(String path, TreeEntry upper, FileMeta lower, DirectoryFd lowerDir) throws IOException {
    boolean isDir = upper.meta().isDirectory();
    if (lower == null) {
      flushPending();
      visitor.changed(path, upper, Change.Kind.ADDED);
      if (isDir) {
        DirectoryFd upperSub = upper.dir().openDirectory(upper.name());
        try {
          walk(path, null, upperSub);
        } finally {
          visitor.release(upperSub);
        }
      }
      return;
    }
    boolean differs = differs(lower, upper, lowerDir);
    if (differs) {
      flushPending();
      visitor.changed(path, upper, Change.Kind.MODIFIED);
    }
    if (isDir) {
      if (!differs) {
        pending.add(new Pending(path, upper));
      }
      DirectoryFd upperSub = upper.dir().openDirectory(upper.name());
      try (DirectoryFd lowerSub = lower.isDirectory() ? lowerDir.openDirectory(upper.name()) : null) {
        walk(path, lowerSub, upperSub);
      } finally {
        visitor.release(upperSub);
      }
      // Still pending means nothing below changed: the directory goes unreported.
      if (!pending.isEmpty() && pending.get(pending.size() - 1).path().equals(path)) {
        pending.remove(pending.size() - 1);
      }
    }
  }

  /**
   * {@link MetadataComparison#differs}, reading the lower entry's xattrs only when every other
   * field matches.
   */
  private boolean differs(FileMeta lower, TreeEntry upper, DirectoryFd lowerDir) throws IOException {
    return MetadataComparison.differsBesidesXattrs(lower, upper.meta())
        || !MetadataComparison.sameXattrs(lowerReader.xattrs(lowerDir, upper.name()), upper.meta().xattrs());
  }

  private void flushPending() throws IOException {
    for (Pending p : pending) {
      visitor.ancestor(p.path(), p.entry());
    }
    pending.clear();
  }

  private static String child(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }
}
