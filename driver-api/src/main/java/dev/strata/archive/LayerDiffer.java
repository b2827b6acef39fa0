package dev.strata.archive;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.posix.Xattrs;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
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
 * <p>Thread-safe: each call works on its own state.
 */
public final class LayerDiffer {

  private final Xattrs xattrs;

  public LayerDiffer() {
    this(new Xattrs());
  }

  LayerDiffer(Xattrs xattrs) {
    this.xattrs = xattrs;
  }

  /**
   * The differences between {@code lower} and {@code upper}, sorted by path.
   *
   * @throws NotFoundException if a view does not exist
   * @throws InvalidArgumentException if a view is not a directory
   */
  public List<Change> changes(Optional<Path> lower, Path upper) throws IOException {
    ChangeCollector collector = new ChangeCollector();
    walk(lower, upper, collector);
    return collector.sorted();
  }

  /**
   * Writes the diff tar to {@code out} (flushed, not closed) and returns its content bytes: the
   * sum of the sizes of the regular files it holds, hardlinks not counted again. Applying the tar
   * reports the same number as {@link ApplyResult#size()}.
   *
   * @throws NotFoundException if a view does not exist
   * @throws InvalidArgumentException if a view is not a directory
   * @throws dev.strata.driver.error.FailedPreconditionException if a file changed size while it
   *     was being written
   */
  public long writeDiff(Optional<Path> lower, Path upper, OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    BufferedOutputStream buffered = new BufferedOutputStream(out, 64 * 1024);
    TarStreamWriter tar = new TarStreamWriter(buffered);
    DiffEmitter emitter = new DiffEmitter(tar);
    walk(lower, upper, emitter);
    tar.finish();
    return emitter.contentBytes();
  }

  /**
   * The number {@link #writeDiff} would return, without reading file content or writing a tar.
   *
   * @throws NotFoundException if a view does not exist
   * @throws InvalidArgumentException if a view is not a directory
   */
  public long diffSize(Optional<Path> lower, Path upper) throws IOException {
    DiffEmitter counter = new DiffEmitter(null);
    walk(lower, upper, counter);
    return counter.contentBytes();
  }

  private void walk(Optional<Path> lower, Path upper, DiffVisitor visitor) throws IOException {
    Objects.requireNonNull(lower, "lower");
    Objects.requireNonNull(upper, "upper");
    checkView(upper, "layer view");
    if (lower.isPresent()) {
      checkView(lower.get(), "parent view");
    }
    new TreeDiff(new TreeReader(xattrs), visitor).run(lower.orElse(null), upper);
  }

  private static void checkView(Path dir, String what) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new NotFoundException(dir.toString(), what + " " + dir + " does not exist; mount the layer first");
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidArgumentException(dir.toString(), what + " " + dir + " is not a directory");
    }
  }
}
