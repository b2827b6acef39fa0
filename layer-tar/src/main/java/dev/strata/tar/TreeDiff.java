package dev.strata.tar;

import dev.strata.driver.Change;
import dev.strata.posix.DirectoryFd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
  /**
   * A second thread that reads half of each large directory's entries (statx, listxattrat and the
   * lookup in the lower tree) while the walk's thread reads the other half; null outside a run.
   */
  private ExecutorService helper;
  private TreeReader helperLower;
  private TreeReader helperUpper;

  private record Pending(String path, TreeEntry entry) {}

  /**
   * One step in a directory: an upper child with the metadata of its lower namesake (null when
   * there is none; xattrs not read), or a deletion of the lower child {@code name} ({@code upper}
   * null).
   */
  private record Step(String sortKey, String name, TreeEntry upper, FileMeta lower, boolean differs) {}

  /** An upper child read with its lower namesake (null when none) and whether they differ. */
  private record Probe(TreeEntry upper, FileMeta lower, boolean differs) {}

  /** Below this many names a directory is read by the walk's thread alone. */
  private static final int SHARED_READ_MIN = 64;

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
    startHelper();
    try {
      walk("", lower, upper);
    } finally {
      stopHelper();
    }
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
    startHelper();
    try {
      if (lowerView == null) {
        walk("", null, upperDir);
      } else {
        walkMerged("", lowerView, upperDir);
      }
    } finally {
      stopHelper();
    }
  }

  private void startHelper() {
    helperLower = lowerReader.forAnotherThread();
    helperUpper = upperReader == lowerReader ? helperLower : upperReader.forAnotherThread();
    helper = Executors.newSingleThreadExecutor(task -> {
      Thread t = new Thread(task, "strata-diff-reader");
      t.setDaemon(true);
      return t;
    });
  }

  /** Its tasks only make native calls, which an interrupt does not disturb. */
  private void stopHelper() {
    helper.shutdownNow();
    helper = null;
  }

  private void walkMerged(String dir, DirectoryFd lowerDir, DirectoryFd upperDir) throws IOException {
    List<Step> steps = new ArrayList<>();
    int whitedOut = 0;
    for (TreeEntry u : upperReader.children(upperDir, true)) {
      FileMeta lower = lowerReader.withoutXattrs(lowerDir, u.name());
      if (u.meta().isOverlayWhiteout()) {
        if (lower != null) {
          whitedOut++;
          steps.add(new Step(WHITEOUT_PREFIX + u.name(), u.name(), null, lower, false));
        }
      } else {
        steps.add(new Step(u.name(), u.name(), u, lower, false));
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
      visit(path, upper, lower, lower != null && differs(lower, upper, lowerDir), lowerDir);
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
    List<String> names = upperReader.names(upperDir);
    Set<String> lowerNames = lowerDir == null ? Set.of() : new HashSet<>(lowerReader.names(lowerDir));
    boolean lowerHadChildren = !lowerNames.isEmpty();
    Probe[] probes = probeAll(names, upperDir, lowerNames, lowerDir);
    List<Step> steps = new ArrayList<>(names.size() + 1);
    boolean anyLowerSurvives = false;
    for (Probe p : probes) {
      if (p == null) {
        continue;
      }
      String name = p.upper().name();
      if (lowerHadChildren) {
        lowerNames.remove(name);
      }
      anyLowerSurvives |= p.lower() != null;
      steps.add(new Step(name, name, p.upper(), p.lower(), p.differs()));
    }
    boolean opaque = lowerHadChildren && !anyLowerSurvives;
    for (String l : lowerNames) {
      steps.add(new Step(WHITEOUT_PREFIX + l, l, null, null, false));
    }
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
        visit(child(dir, step.name()), step.upper(), step.lower(), step.differs(), lowerDir);
      }
    }
  }

  /**
   * Reads every upper child of a directory with its lower namesake, in listing order (null for a
   * whiteout left out); a large directory's second half on the helper thread.
   */
  private Probe[] probeAll(List<String> names, DirectoryFd upperDir, Set<String> lowerNames,
      DirectoryFd lowerDir) throws IOException {
    Probe[] probes = new Probe[names.size()];
    int split = names.size() < SHARED_READ_MIN ? names.size() : names.size() / 2;
    Future<Void> other = split == names.size() ? null : helper.submit(() -> {
      probe(helperUpper, helperLower, names, split, names.size(), upperDir, lowerNames, lowerDir, probes);
      return null;
    });
    boolean done = false;
    try {
      probe(upperReader, lowerReader, names, 0, split, upperDir, lowerNames, lowerDir, probes);
      done = true;
    } finally {
      if (other != null) {
        // Wait even when this half failed: the helper reads directories the caller closes next.
        awaitHelper(other, done);
      }
    }
    return probes;
  }

  private static void probe(TreeReader upperReader, TreeReader lowerReader, List<String> names, int from,
      int to, DirectoryFd upperDir, Set<String> lowerNames, DirectoryFd lowerDir, Probe[] into) throws IOException {
    for (int i = from; i < to; i++) {
      String name = names.get(i);
      TreeEntry u = upperReader.child(upperDir, name, false);
      if (u == null) {
        continue;
      }
      FileMeta l = lowerNames.contains(name) ? lowerReader.withoutXattrs(lowerDir, name) : null;
      // The cheap fields first: a rewritten file differs in size or mtime, and then the lower's
      // xattrs need not be read.
      boolean differs = l != null && (MetadataComparison.differsBesidesXattrs(l, u.meta())
          || !MetadataComparison.sameXattrs(lowerReader.xattrs(lowerDir, name), u.meta().xattrs()));
      into[i] = new Probe(u, l, differs);
    }
  }

  private static void awaitHelper(Future<Void> other, boolean rethrow) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          other.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (!rethrow) {
            return;
          }
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IOException("reading a directory's entries failed", cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@code differs}: whether {@code upper} differs from {@code lower}, when there is a lower. */
  private void visit(String path, TreeEntry upper, FileMeta lower, boolean differs, DirectoryFd lowerDir)
      throws IOException {
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
