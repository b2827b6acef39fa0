package dev.strata.tar;

import dev.strata.posix.DirectoryFd;
import dev.strata.posix.EntryReads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares a layer's view with its parent's view: the list {@code docker diff} prints, and the
 * layer tar that turns the parent into the layer.
 *
 * <p>Both views are complete directory trees (a mounted layer and its mounted parent); the parent
 * is absent for a base layer, whose every entry is then added. Only metadata is compared, never
 * content: an entry changed when its type, permission bits, owner, device number or xattrs differ,
 * or (not for directories) its size, mtime or symlink target. Mtimes equal to the second where one
 * side has no nanoseconds count as equal, so a tree that went through a second-precision tar shows
 * no spurious changes. A directory whose only change is its mtime or size is not a change, as in
 * Docker; a directory holding a change is reported as modified itself (the view root never is).
 *
 * <h2>Changes</h2>
 *
 * <pre>{@code
 * List<Change> changes = new LayerDiffer().changes(Optional.of(parentView), view);
 * // [C /etc, A /etc/motd, D /tmp/old]
 * }</pre>
 *
 * Sorted by path. A deleted directory is listed once; an added directory is listed with everything
 * in it; a directory replaced by a file (or the reverse) is one modification, plus additions for
 * the new directory's children.
 *
 * <h2>Diff tar</h2>
 *
 * An uncompressed PAX tar of what {@link #changes} lists: added and modified entries in full,
 * every directory that holds a change before its children (so an applier restores its metadata), a
 * deletion as an empty {@code DIR/.wh.NAME}, and a directory none of whose old children survive as
 * {@code DIR/.wh..wh..opq} followed by its new children. Order: depth first; in a directory, its
 * opaque marker first, then entries and whiteouts sorted by their tar names in byte order. Names
 * are relative ({@code etc/motd}, {@code etc/}). The same trees always give the same bytes. Applying
 * it onto a copy of the parent reproduces the view: paths, types, permissions, owners, content,
 * link targets, device numbers, xattrs and nanosecond mtimes.
 *
 * <h2>Mounts below a view</h2>
 *
 * What is mounted below either view (a container's volumes, binds and tmpfs, mounted into its root
 * filesystem) is not part of the layer and is never read, as Docker never shows a volume's content
 * in a diff, commit or export. A mount point is compared as what the layer itself holds there:
 * the directory made for a volume in the container layer is added, its content never is (see
 * {@link UncoveredViews}).
 *
 * <p>Thread-safe: each call works on its own state.
 */
public final class LayerDiffer extends WalkingDiffer {

  private final UncoveredViews views;

  public LayerDiffer() {
    this(UncoveredViews.system());
  }

  LayerDiffer(UncoveredViews views) {
    this.views = views;
  }

  @Override
  void walk(Optional<Path> lower, Path upper, DiffVisitor visitor, EntryReads reads) throws IOException {
    Objects.requireNonNull(lower, "lower");
    Objects.requireNonNull(upper, "upper");
    checkDir(upper, "layer view", "; mount the layer first");
    if (lower.isPresent()) {
      checkDir(lower.get(), "parent view", "; mount the layer first");
    }
    try (UncoveredView upperView = views.open(upper);
        UncoveredView lowerView = lower.isPresent() ? views.open(lower.get()) : null) {
      // A detached view is reached through the magic link of its descriptor; the descriptor of
      // its root keeps it there after the view's own is closed, until the visitor releases it.
      DirectoryFd upperRoot = DirectoryFd.openFollowing(upperView.path());
      try (DirectoryFd lowerRoot = lowerView == null ? null : DirectoryFd.openFollowing(lowerView.path())) {
        new TreeDiff(new TreeReader(reads), visitor).run(lowerRoot, upperRoot);
      } finally {
        visitor.release(upperRoot);
      }
    }
  }
}
