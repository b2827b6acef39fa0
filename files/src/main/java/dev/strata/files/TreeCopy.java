package dev.strata.files;

import dev.strata.posix.FileBlocks;
import dev.strata.posix.FileCopy;
import dev.strata.posix.FileNodes;
import dev.strata.posix.PosixException;
import dev.strata.posix.Timestamp;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Makes an exact copy of a file tree: hardlinks stay hardlinks, xattrs of every namespace are
 * copied as raw bytes, holes stay holes, devices, FIFOs and symlinks are recreated (a symlink is
 * never followed), owner, mode (setuid included) and nanosecond times are restored. The vfs driver
 * copies a parent layer with it; the volume manager populates a new volume from an image directory.
 *
 * <p>Owners are restored only when the process runs as root: anyone else could not give a file
 * away, and would fail on the first foreign owner. Sockets are not copied (a copy could not be
 * connected to).
 *
 * <pre>{@code
 * TreeCopy copier = TreeCopy.detect(home.resolve("staging"));
 * copier.copy(parentLayer, staging);          // staging must not exist
 * copier.copyInto(imageDir, volumeDir);       // volumeDir exists, typically empty
 * }</pre>
 */
public final class TreeCopy {

  private static final System.Logger LOG = System.getLogger(TreeCopy.class.getName());
  private static final String ATTRIBUTES =
      "unix:mode,uid,gid,ino,dev,nlink,rdev,size,lastModifiedTime,lastAccessTime";

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFREG = 0100000;

  private final ContentCopy content;
  private final FileNodes nodes;
  private final Xattrs xattrs;
  private final boolean restoreOwners;

  TreeCopy(ContentCopy content, FileNodes nodes, Xattrs xattrs, boolean restoreOwners) {
    this.content = content;
    this.nodes = nodes;
    this.xattrs = xattrs;
    this.restoreOwners = restoreOwners;
  }

  /**
   * A copier using the best {@link CopyMethod} that works in {@code scratch}, a directory on the
   * filesystem the copies will be written to.
   *
   * @throws IOException when the probe files cannot be written in {@code scratch}
   */
  public static TreeCopy detect(Path scratch) throws IOException {
    FileCopy fileCopy = new FileCopy();
    return of(CopyMethod.detect(scratch, fileCopy), fileCopy);
  }

  /**
   * A copier that prefers {@code method}; it still falls back per file where the kernel refuses
   * (a reflink across filesystems, {@code copy_file_range} on a sparse file).
   */
  public static TreeCopy using(CopyMethod method) {
    return of(method, new FileCopy());
  }

  private static TreeCopy of(CopyMethod method, FileCopy fileCopy) {
    FileNodes nodes = new FileNodes();
    return new TreeCopy(new ContentCopy(method, fileCopy, new FileBlocks()), nodes, new Xattrs(),
        nodes.isRoot());
  }

  /** The preferred way file content is copied. */
  public CopyMethod method() {
    return content.method();
  }

  /**
   * Copies the tree rooted at {@code src} to {@code dst}, which must not exist yet.
   *
   * @throws java.nio.file.FileAlreadyExistsException when {@code dst} exists
   * @throws IOException when reading {@code src} or writing the copy fails; a partial copy is left
   *     for the caller to delete
   */
  public void copy(Path src, Path dst) throws IOException {
    new Walk(src, dst, false).run();
  }

  /**
   * Populates the existing directory {@code dstDir} (an empty volume, possibly the mount point of
   * another filesystem) with every child of {@code srcDir}, then gives {@code dstDir} itself
   * {@code srcDir}'s owner, mode, xattrs and times, as Docker does when it copies an image's
   * directory into a new volume. Hardlinks among the children are kept. An xattr the destination
   * filesystem does not support ({@code EOPNOTSUPP}) is skipped with a log line rather than
   * failing the whole copy, as Docker does.
   *
   * @throws NotDirectoryException when {@code srcDir} or {@code dstDir} is not a directory (a
   *     symlink to one is refused: the copy would land somewhere else)
   * @throws java.nio.file.FileAlreadyExistsException when {@code dstDir} already holds a child of
   *     the same name; callers wanting Docker's "populate only when empty" check first
   */
  public void copyInto(Path srcDir, Path dstDir) throws IOException {
    for (Path dir : new Path[] {srcDir, dstDir}) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new NotDirectoryException(dir.toString());
      }
    }
    new Walk(srcDir, dstDir, true).run();
  }

  /**
   * Gives {@code dst} the owner, mode, xattrs and times of {@code src}, nothing else: the last step
   * of a populate whose entries were moved in separately. Unsupported xattrs are skipped as in
   * {@link #copyInto}.
   */
  public void copyAttributes(Path src, Path dst) throws IOException {
    new Walk(src, dst, true).restore(src, dst, Files.readAttributes(src, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
  }

  /** One copy's state: the hardlinks seen so far and whether missing xattr support was logged. */
  private final class Walk extends SimpleFileVisitor<Path> {

    private final Path src;
    private final Path dst;
    private final boolean into;
    // Keyed by (dev, ino): the first copy of a multiply linked inode; later names link to it.
    private final Map<Object, Path> firstCopies = new HashMap<>();
    private boolean xattrsUnsupportedLogged;

    Walk(Path src, Path dst, boolean into) {
      this.src = src;
      this.dst = dst;
      this.into = into;
    }

    void run() throws IOException {
      Files.walkFileTree(src, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, this);
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
        throws IOException {
      if (!(into && dir.equals(src))) {
        Files.createDirectory(target(dir));
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      copyEntry(file, target(file), attrs.fileKey());
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
      throw exc;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
      if (exc != null) {
        throw exc;
      }
      // Times last: creating the children changed the directory's mtime.
      restore(dir, target(dir), Files.readAttributes(dir, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
      return FileVisitResult.CONTINUE;
    }

    /** Resolved as a {@code Path}, never a string, so a name that is not UTF-8 keeps its bytes. */
    private Path target(Path p) {
      return dst.resolve(src.relativize(p));
    }

    private void copyEntry(Path from, Path to, Object inode) throws IOException {
      Map<String, Object> attrs = Files.readAttributes(from, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
      if ((Integer) attrs.get("nlink") > 1) {
        Path first = firstCopies.putIfAbsent(inode, to);
        if (first != null) {
          Files.createLink(to, first);
          return;
        }
      }
      int mode = (Integer) attrs.get("mode");
      switch (mode & S_IFMT) {
        case S_IFREG -> {
          Files.createFile(to);
          content.copy(from, to, (Long) attrs.get("size"));
        }
        case S_IFLNK -> Files.createSymbolicLink(to, Files.readSymbolicLink(from));
        case FileNodes.S_IFIFO -> nodes.mkfifo(to, 0600);
        case FileNodes.S_IFCHR, FileNodes.S_IFBLK -> {
          long rdev = (Long) attrs.get("rdev");
          nodes.mknod(to, mode & S_IFMT, 0600, FileNodes.major(rdev), FileNodes.minor(rdev));
        }
        case S_IFSOCK -> {
          // A socket is bound by a live process; a copy could not be connected to, so none is made.
          LOG.log(System.Logger.Level.DEBUG, "not copying socket {0}", from);
          return;
        }
        default -> throw new IOException("cannot copy " + from + ": unknown file type "
            + Integer.toOctalString(mode & S_IFMT));
      }
      restore(from, to, attrs);
    }

    /** Owner first (chown clears setuid and file capabilities), then mode, xattrs and times. */
    private void restore(Path from, Path to, Map<String, Object> attrs) throws IOException {
      int mode = (Integer) attrs.get("mode");
      boolean symlink = (mode & S_IFMT) == S_IFLNK;
      if (restoreOwners) {
        nodes.lchown(to, (Integer) attrs.get("uid"), (Integer) attrs.get("gid"));
      }
      if (!symlink) {
        nodes.chmod(to, mode & 07777);
      }
      for (String name : xattrs.list(from)) {
        var value = xattrs.get(from, name);
        if (value.isPresent()) {
          setXattr(to, name, value.get());
        }
      }
      nodes.setTimes(to,
          Timestamp.of((FileTime) attrs.get("lastAccessTime")),
          Timestamp.of((FileTime) attrs.get("lastModifiedTime")));
    }

    private void setXattr(Path to, String name, byte[] value) throws PosixException {
      try {
        xattrs.set(to, name, value);
      } catch (PosixException e) {
        // A layer copy stays on one filesystem, so a refusal there is a real error. A volume may be
        // another filesystem (tmpfs without user xattrs, vfat, NFS); Docker skips the attribute.
        if (!into || e.errno() != PosixException.EOPNOTSUPP) {
          throw e;
        }
        System.Logger.Level level = xattrsUnsupportedLogged
            ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING;
        xattrsUnsupportedLogged = true;
        LOG.log(level, "skipping xattr {0} of {1}: the destination filesystem does not support it ({2})",
            name, to, e.getMessage());
      }
    }
  }
}
