package dev.strata.tar;

import dev.strata.driver.Change;
import dev.strata.posix.RawNames;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * upper counterpart is a directory too.
 */
final class TreeDiff {

  private static final String WHITEOUT_PREFIX = ".wh.";

  private final TreeReader lowerReader;
  private final TreeReader upperReader;
  private final DiffVisitor visitor;
  /** Set for {@link #runUpperDir}: how overlay marks an upper directory opaque. */
  private final String opaqueXattr;
  private final Xattrs xattrs;
  /** Unchanged directories entered but not yet reported: reported only once a change shows up. */
  private final List<Pending> pending = new ArrayList<>();

  private record Pending(String path, TreeEntry entry) {}

  /** One step in a directory: an upper child (with its lower namesake, if any) or a deletion. */
  private record Step(String sortKey, TreeEntry upper, TreeEntry lower) {}

  private static final Comparator<Step> BY_TAR_NAME =
      Comparator.comparing(Step::sortKey, NameOrder.BYTES);

  TreeDiff(TreeReader reader, DiffVisitor visitor) {
    this(reader, reader, visitor, null, null);
  }

  /**
   * For {@link #runUpperDir}: {@code upperReader} leaves out whiteouts and overlay's attributes,
   * {@code opaqueXattr} is {@code trusted.overlay.opaque} (or {@code user.overlay.opaque}).
   */
  TreeDiff(TreeReader lowerReader, TreeReader upperReader, DiffVisitor visitor, String opaqueXattr,
      Xattrs xattrs) {
    this.lowerReader = lowerReader;
    this.upperReader = upperReader;
    this.visitor = visitor;
    this.opaqueXattr = opaqueXattr;
    this.xattrs = xattrs;
  }

  /** Walks {@code upper} against {@code lower} ({@code null} for a base layer: all is added). */
  void run(Path lower, Path upper) throws IOException {
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
  void runUpperDir(Path lowerView, Path upperDir) throws IOException {
    if (lowerView == null) {
      walk("", null, upperDir);
    } else {
      walkMerged("", lowerView, upperDir);
    }
  }

  private void walkMerged(String dir, Path lowerDir, Path upperDir) throws IOException {
    List<Step> steps = new ArrayList<>();
    int whitedOut = 0;
    for (TreeEntry u : upperReader.withWhiteouts().children(upperDir)) {
      FileMeta l = lowerReader.readIfExists(RawNames.resolve(lowerDir, u.name()));
      TreeEntry lower = l == null ? null : new TreeEntry(u.name(), RawNames.resolve(lowerDir, u.name()), l);
      if (u.meta().isOverlayWhiteout()) {
        if (lower != null) {
          whitedOut++;
          steps.add(new Step(WHITEOUT_PREFIX + u.name(), null, lower));
        }
      } else {
        steps.add(new Step(u.name(), u, lower));
      }
    }
    // Opaque exactly when every name of the lower directory is whited out, as run() decides it.
    boolean opaque = whitedOut > 0 && whitedOut == countChildren(lowerDir);
    steps.sort(BY_TAR_NAME);
    if (opaque) {
      flushPending();
      visitor.opaque(dir);
    }
    for (Step step : steps) {
      if (step.upper() == null) {
        flushPending();
        visitor.deleted(child(dir, step.lower().name()), step.lower(), opaque);
      } else {
        visitMerged(child(dir, step.upper().name()), step.upper(), step.lower());
      }
    }
  }

  private void visitMerged(String path, TreeEntry upper, TreeEntry lower) throws IOException {
    if (lower == null || !upper.meta().isDirectory()) {
      visit(path, upper, lower);
      return;
    }
    boolean differs = MetadataComparison.differs(lower.meta(), upper.meta());
    if (differs) {
      flushPending();
      visitor.changed(path, upper, Change.Kind.MODIFIED);
    } else {
      pending.add(new Pending(path, upper));
    }
    if (!lower.meta().isDirectory()) {
      walk(path, null, upper.path());
    } else if (xattrs.get(upper.path(), opaqueXattr).isPresent()) {
      walk(path, lower.path(), upper.path());
    } else {
      walkMerged(path, lower.path(), upper.path());
    }
    if (!pending.isEmpty() && pending.get(pending.size() - 1).path().equals(path)) {
      pending.remove(pending.size() - 1);
    }
  }

  private static int countChildren(Path dir) throws IOException {
    int n = 0;
    try (DirectoryStream<Path> names = Files.newDirectoryStream(dir)) {
      for (Path ignored : names) {
        n++;
      }
    }
    return n;
  }

  private void walk(String dir, Path lowerDir, Path upperDir) throws IOException {
    List<TreeEntry> uppers = upperReader.children(upperDir);
    List<TreeEntry> lowers = lowerDir == null ? List.of() : lowerReader.children(lowerDir);
    Map<String, TreeEntry> lowerByName = new HashMap<>(lowers.size() * 2);
    for (TreeEntry l : lowers) {
      lowerByName.put(l.name(), l);
    }
    List<Step> steps = new ArrayList<>(uppers.size() + 1);
    boolean anyLowerSurvives = false;
    for (TreeEntry u : uppers) {
      TreeEntry l = lowerByName.remove(u.name());
      anyLowerSurvives |= l != null;
      steps.add(new Step(u.name(), u, l));
    }
    boolean opaque = !lowers.isEmpty() && !anyLowerSurvives;
    if (!lowerByName.isEmpty()) {
      for (TreeEntry l : lowerByName.values()) {
        steps.add(new Step(WHITEOUT_PREFIX + l.name(), null, l));
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
        visitor.deleted(child(dir, step.lower().name()), step.lower(), opaque);
      } else {
        visit(child(dir, step.upper().name()), step.upper(), step.lower());
      }
    }
  }

  private void visit(String path, TreeEntry upper, TreeEntry lower) throws IOException {
    boolean isDir = upper.meta().isDirectory();
    if (lower == null) {
      flushPending();
      visitor.changed(path, upper, Change.Kind.ADDED);
      if (isDir) {
        walk(path, null, upper.path());
      }
      return;
    }
    boolean differs = MetadataComparison.differs(lower.meta(), upper.meta());
    if (differs) {
      flushPending();
      visitor.changed(path, upper, Change.Kind.MODIFIED);
    }
    if (isDir) {
      Path lowerDir = lower.meta().isDirectory() ? lower.path() : null;
      if (!differs) {
        pending.add(new Pending(path, upper));
      }
      walk(path, lowerDir, upper.path());
      // Still pending means nothing below changed: the directory goes unreported.
      if (!pending.isEmpty() && pending.get(pending.size() - 1).path().equals(path)) {
        pending.remove(pending.size() - 1);
      }
    }
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
