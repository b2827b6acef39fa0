package dev.strata.tar;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.files.MountTable;
import dev.strata.posix.FsMountCalls;
import dev.strata.posix.PosixException;
import dev.strata.posix.RawNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens a tree as it lies on its own filesystem, without the mounts made below it.
 *
 * <p>On vfs and btrfs a container's root filesystem is its layer directory, and its volumes, binds
 * and tmpfs are mounted inside it (on overlay2 inside its merged view). Docker never shows what
 * those hold in a diff, a commit or an export, since its volumes live in the container's mount
 * namespace and not in the graph driver's directories; so a walk here must not see them either.
 *
 * <p>Skipping mount points during the walk would not be enough: the walk would still read each
 * mount point's own metadata from the root of what is mounted there (a host directory's owner, a
 * tmpfs's mode), and could not see what the layer holds beneath it. A non-recursive clone of the
 * tree shows the layer exactly: a mount point is the directory (or file) the layer has there, so
 * the empty directory a container layer made for a volume is listed as added, as Docker lists it,
 * and anything the mount covers is listed as the layer content it is.
 *
 * <p>The mount table is read first and the clone made only when something is mounted below the
 * tree: the usual case costs one read of {@code /proc/self/mountinfo} and needs no privilege.
 */
final class UncoveredViews {

  private final MountTable table;
  private final FsMountCalls calls;

  UncoveredViews(MountTable table, FsMountCalls calls) {
    this.table = table;
    this.calls = calls;
  }

  static UncoveredViews system() {
    return new UncoveredViews(MountTable.self(), new FsMountCalls());
  }

  /**
   * {@code dir} without its submounts; the caller closes the result.
   *
   * @throws FailedPreconditionException if something is mounted below {@code dir} and this process
   *     may not clone mounts (it lacks {@code CAP_SYS_ADMIN})
   */
  UncoveredView open(Path dir) throws IOException {
    Path real = dir.toRealPath();
    List<Path> below = table.mountPointsUnder(real);
    if (below.isEmpty()) {
      return UncoveredView.plain(dir);
    }
    int fd;
    try {
      fd = calls.cloneWithoutSubmounts(real);
    } catch (PosixException e) {
      if (e.errno() != PosixException.EPERM) {
        throw e;
      }
      throw new FailedPreconditionException(RawNames.printable(dir), RawNames.printable(dir)
          + " has mounts below it (" + below + ") and this process may not clone mounts to look beneath"
          + " them; run as root or unmount them first", e);
    }
    return UncoveredView.cloned(fd, calls);
  }
}
