package dev.strata.archive;

import java.io.IOException;
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

  private final TreeReader reader;
  private final DiffVisitor visitor;
  /** Unchanged directories entered but not yet reported: reported only once a change shows up. */
  private final List<Pending> pending = new ArrayList<>();

  private record Pending(String path, TreeEntry entry) {}

  /** One step in a directory: an upper child (with its lower namesake, if any) or a deletion. */
  private record Step(String sortKey, TreeEntry upper, TreeEntry lower) {}

  private static final Comparator<Step> BY_TAR_NAME =
      Comparator.comparing(Step::sortKey, NameOrder.BYTES);

  TreeDiff(TreeReader reader, DiffVisitor visitor) {
    this.reader = reader;
    this.visitor = visitor;
  }

  /** Walks {@code upper} against {@code lower} ({@code null} for a base layer: all is added). */
  void run(Path lower, Path upper) throws IOException {
    walk("", lower, upper);
  }

  private void walk(String dir, Path lowerDir, Path upperDir) throws IOException {
    List<TreeEntry> uppers = reader.children(upperDir);
    List<TreeEntry> lowers = lowerDir == null ? List.of() : reader.children(lowerDir);
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
