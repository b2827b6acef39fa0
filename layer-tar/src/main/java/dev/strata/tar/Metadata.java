package dev.strata.tar;

import static dev.strata.files.PrintableNames.quoted;

import dev.strata.driver.error.UnsupportedException;
import dev.strata.posix.FileNodes;
import dev.strata.posix.OpenFile;
import dev.strata.posix.PosixException;
import dev.strata.posix.Timestamp;
import dev.strata.posix.Xattrs;
import java.nio.file.Path;
import java.util.Map;

/**
 * Restores what a tar header says about a file besides its content. The order matters: {@code
 * chown} clears setuid/setgid and {@code security.capability}, so ownership comes first, then the
 * mode, then xattrs; times come last because nothing after them may touch the file.
 */
final class Metadata {

  private final FileNodes nodes;
  private final Xattrs xattrs;
  private final boolean restoreOwnership;

  Metadata(FileNodes nodes, Xattrs xattrs, boolean restoreOwnership) {
    this.nodes = nodes;
    this.xattrs = xattrs;
    this.restoreOwnership = restoreOwnership;
  }

  void owner(Path path, TarEntry e) throws PosixException {
    if (restoreOwnership) {
      nodes.lchown(path, (int) e.uid(), (int) e.gid());
    }
  }

  /** chmod(2) follows symlinks: never call it on one (Linux ignores a symlink's mode anyway). */
  void mode(Path path, int mode) throws PosixException {
    nodes.chmod(path, mode);
  }

  /**
   * The same four steps on a file open by descriptor (no path lookups), skipping the owner and mode
   * when the file already has them: {@code createdMode} (-1 if unknown), {@code uid} and {@code
   * gid} are what it was created with. A mode with setuid, setgid or sticky bits is always set, and
   * after the owner, since chown clears the first two.
   */
  void all(OpenFile file, TarEntry e, int createdMode, int uid, int gid) throws UnsupportedException, PosixException {
    if (restoreOwnership && (e.uid() != uid || e.gid() != gid)) {
      file.chown((int) e.uid(), (int) e.gid());
    }
    if ((e.mode() & 07777) != createdMode) {
      file.chmod(e.mode());
    }
    xattrs(e, file::setXattr);
    file.setTimes(accessTime(e.atime(), e.mtime()), e.mtime());
  }

  void xattrs(Path path, TarEntry e) throws UnsupportedException, PosixException {
    xattrs(e, (name, value) -> xattrs.set(path, name, value));
  }

  private interface XattrSetter {
    void set(String name, byte[] value) throws PosixException;
  }

  private static void xattrs(TarEntry e, XattrSetter setter) throws UnsupportedException, PosixException {
    for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
      try {
        setter.set(x.getKey(), x.getValue());
      } catch (PosixException ex) {
        int errno = ex.errno();
        if (errno == PosixException.EOPNOTSUPP) {
          throw new UnsupportedException(e.subject(), e.describe() + ": the filesystem does not support xattr "
              + quoted(x.getKey()), ex);
        }
        if (errno == PosixException.EPERM || errno == PosixException.EACCES) {
          throw new UnsupportedException(e.subject(), e.describe() + ": not permitted to set xattr " + quoted(x.getKey())
              + " (trusted.* and security.* need root; user.* is refused on symlinks and devices)", ex);
        }
        throw ex;
      }
    }
  }

  /**
   * Docker's rule ({@code go-archive} {@code createTarFile}): the access time is the later of the
   * recorded atime and mtime, so a missing or older atime never predates the content.
   */
  void times(Path path, Timestamp atime, Timestamp mtime) throws PosixException {
    nodes.setTimes(path, accessTime(atime, mtime), mtime);
  }

  private static Timestamp accessTime(Timestamp atime, Timestamp mtime) {
    return atime == null || later(mtime, atime) ? mtime : atime;
  }

  private static boolean later(Timestamp x, Timestamp y) {
    return x.seconds() != y.seconds() ? x.seconds() > y.seconds() : x.nanos() > y.nanos();
  }
}
