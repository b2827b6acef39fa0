package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.posix.DirectoryEntries;
import dev.strata.posix.PosixException;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

/**
 * Relabels a mount source for SELinux, as Docker does for {@code -v src:dst:z} and {@code :Z}:
 * every entry of the tree gets {@code security.selinux} set to one label.
 *
 * <ul>
 *   <li>The path is cleaned and resolved through symlinks first ({@code EvalSymlinks} in Docker),
 *       then checked against {@link RelabelRefusals}; the resolved directory is what gets labelled.
 *   <li>Below the root nothing is followed: a symlink gets its own label ({@code AT_SYMLINK_NOFOLLOW})
 *       and a symlink to a directory is not descended.
 *   <li>Mount points below the root are crossed, as Docker does: a bind source with a submount is
 *       labelled whole, so the container can read all of what it sees.
 *   <li>Entries already carrying exactly the label are not written, so a second relabel of the same
 *       tree (every container start, in Docker) costs one {@code getxattrat} per entry, and one
 *       {@code getdents64} per directory (whose {@code d_type} tells directories apart).
 *   <li>Entries that vanish during the walk are skipped: relabel can race with deletion.
 *   <li>Directories are walked in parallel on the given pool. A directory stays open while its
 *       subdirectories are walked (they are opened relative to it), so a walk holds about one
 *       descriptor per level of depth per thread.
 * </ul>
 *
 * <p>Below the root every call is relative to an open directory ({@code openat} with {@code
 * O_NOFOLLOW}, {@code getxattrat}/{@code setxattrat}, see {@link DirectoryEntries}): a process
 * renaming directories inside the tree while it is relabelled cannot redirect a write outside it,
 * and a directory swapped for a symlink after it was listed is skipped. On kernels before 6.13,
 * which lack the {@code *xattrat} calls, the attribute calls fall back to paths ({@code
 * l*xattr}), and a symlinked parent swapped in at the right moment could redirect a write: as in
 * Docker, relabel belongs before the container that owns the tree starts.
 */
public final class Relabeler {

  static final String XATTR = "security.selinux";

  private final Xattrs xattrs;
  private final Supplier<DirectoryEntries> entries;
  private final ForkJoinPool pool;
  private final RelabelRefusals refusals;

  /**
   * @param xattrs attribute calls
   * @param pool runs the directory walk; its parallelism bounds the concurrent system calls. The
   *     caller owns it and shuts it down.
   * @param refusals host paths that must never be relabelled, usually {@link
   *     RelabelRefusals#fromEnvironment()}
   */
  public Relabeler(ForkJoinPool pool, RelabelRefusals refusals) {
    this(new Xattrs(), pool, refusals);
  }

  /** With {@code xattrs} doing the reads and writes: tests count or fail them. */
  Relabeler(Xattrs xattrs, ForkJoinPool pool, RelabelRefusals refusals) {
    this(xattrs, () -> new DirectoryEntries(XATTR), pool, refusals);
  }

  /** With {@code entries} making each walking thread's directory reader: tests force the fallback. */
  Relabeler(Xattrs xattrs, Supplier<DirectoryEntries> entries, ForkJoinPool pool,
      RelabelRefusals refusals) {
    this.xattrs = Objects.requireNonNull(xattrs, "xattrs");
    this.entries = Objects.requireNonNull(entries, "entries");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.refusals = Objects.requireNonNull(refusals, "refusals");
  }

  /**
   * Sets {@code label} on {@code path} (resolved) and everything below it.
   *
   * @throws InvalidArgumentException when the path is empty, or it or its resolution is a refused
   *     host directory ("SELinux relabeling of /etc is not allowed")
   * @throws NotFoundException when the path does not exist
   * @throws UnsupportedException when the filesystem has no SELinux labels (NFS without {@code
   *     security_label}, some FUSE filesystems). Docker ignores this; the caller decides.
   * @throws PosixException when a label cannot be read or written (EPERM without CAP_SYS_ADMIN on a
   *     policy-less host, EROFS); the first such failure ends the walk
   */
  public RelabelResult relabel(Path path, SelinuxLabel label) throws IOException {
    Objects.requireNonNull(label, "label");
    Path root = checked(path);
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new NotFoundException(root.toString(), "cannot relabel " + root + ": it was removed", e);
    }
    RelabelWalk walk = new RelabelWalk(xattrs, entries, label);
    try {
      walk.label(root);
    } catch (PosixException e) {
      if (e.errno() == PosixException.EOPNOTSUPP) {
        throw new UnsupportedException(
            root.toString(),
            "the filesystem of " + root + " does not support SELinux labels (" + XATTR
                + "); mount it with a context= option instead, or do not ask for :z/:Z",
            e);
      }
      throw e;
    }
    if (attrs.isDirectory()) {
      try {
        walk.walk(pool, root);
      } catch (PosixException e) {
        if (e.errno() == PosixException.EOPNOTSUPP) {
          throw new UnsupportedException(
              root.toString(),
              "a filesystem mounted below " + root + " does not support SELinux labels; unmount"
                  + " it or relabel only what the container needs (" + e.getMessage() + ")",
              e);
        }
        throw e;
      }
    }
    return walk.result();
  }

  /** Cleans, resolves and checks {@code path}; returns the resolved path. */
  private Path checked(Path path) throws IOException {
    if (path == null || path.toString().isEmpty()) {
      throw new InvalidArgumentException("", "cannot relabel an empty path");
    }
    Path cleaned = path.toAbsolutePath().normalize();
    refuse(cleaned, cleaned);
    Path resolved;
    try {
      resolved = cleaned.toRealPath();
    } catch (NoSuchFileException e) {
      throw new NotFoundException(
          cleaned.toString(), "cannot relabel " + cleaned + ": no such file or directory", e);
    }
    refuse(resolved, cleaned);
    return resolved;
  }

  private void refuse(Path candidate, Path asked) throws InvalidArgumentException {
    if (refusals.refuses(candidate)) {
      String via = candidate.equals(asked) ? "" : " (" + asked + " resolves to it)";
      throw new InvalidArgumentException(
          asked.toString(), "SELinux relabeling of " + candidate + " is not allowed" + via);
    }
  }
}
