package dev.strata.driver.vfs;

import dev.strata.driver.posix.FileNodes;
import dev.strata.driver.posix.Timestamp;
import dev.strata.driver.posix.Xattrs;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Makes a child layer an exact copy of its parent: hardlinks stay hardlinks, xattrs of every
 * namespace are copied as raw bytes, holes stay holes, devices, FIFOs and symlinks are recreated,
 * owner, mode (setuid included) and nanosecond times are restored.
 */
final class TreeCopier {

  private static final System.Logger LOG = System.getLogger(TreeCopier.class.getName());
  private static final String ATTRIBUTES =
      "unix:mode,uid,gid,ino,dev,nlink,rdev,size,lastModifiedTime,lastAccessTime";

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFREG = 0100000;

  private final ContentCopier content;
  private final FileNodes nodes;
  private final Xattrs xattrs;
  private final boolean restoreOwners;

  TreeCopier(ContentCopier content, FileNodes nodes, Xattrs xattrs, boolean restoreOwners) {
    this.content = content;
    this.nodes = nodes;
    this.xattrs = xattrs;
    this.restoreOwners = restoreOwners;
  }

  /** Copies the tree rooted at {@code src} to {@code dst}, which must not exist yet. */
  void copy(Path src, Path dst) throws IOException {
    // Keyed by (dev, ino): the first copy of a multiply linked inode; later names link to it.
    Map<Object, Path> firstCopies = new HashMap<>();
    Files.walkFileTree(src, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectory(target(dir));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            copyEntry(file, target(file), attrs.fileKey(), firstCopies);
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

          private Path target(Path p) {
            return dst.resolve(src.relativize(p).toString());
          }
        });
  }

  private void copyEntry(Path src, Path dst, Object inode, Map<Object, Path> firstCopies)
      throws IOException {
    Map<String, Object> attrs = Files.readAttributes(src, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    if ((Integer) attrs.get("nlink") > 1) {
      Path first = firstCopies.putIfAbsent(inode, dst);
      if (first != null) {
        Files.createLink(dst, first);
        return;
      }
    }
    int mode = (Integer) attrs.get("mode");
    switch (mode & S_IFMT) {
      case S_IFREG -> {
        Files.createFile(dst);
        content.copy(src, dst, (Long) attrs.get("size"));
      }
      case S_IFLNK -> Files.createSymbolicLink(dst, Files.readSymbolicLink(src));
      case FileNodes.S_IFIFO -> nodes.mkfifo(dst, 0600);
      case FileNodes.S_IFCHR, FileNodes.S_IFBLK -> {
        long rdev = (Long) attrs.get("rdev");
        nodes.mknod(dst, mode & S_IFMT, 0600, FileNodes.major(rdev), FileNodes.minor(rdev));
      }
      case S_IFSOCK -> {
        // A socket is bound by a live process; a copy could not be connected to, so none is made.
        LOG.log(System.Logger.Level.DEBUG, "not copying socket {0}", src);
        return;
      }
      default -> throw new IOException("cannot copy " + src + ": unknown file type "
          + Integer.toOctalString(mode & S_IFMT));
    }
    restore(src, dst, attrs);
  }

  /** Owner first (chown clears setuid and file capabilities), then mode, xattrs and times. */
  private void restore(Path src, Path dst, Map<String, Object> attrs) throws IOException {
    int mode = (Integer) attrs.get("mode");
    boolean symlink = (mode & S_IFMT) == S_IFLNK;
    if (restoreOwners) {
      nodes.lchown(dst, (Integer) attrs.get("uid"), (Integer) attrs.get("gid"));
    }
    if (!symlink) {
      nodes.chmod(dst, mode & 07777);
    }
    for (String name : xattrs.list(src)) {
      var value = xattrs.get(src, name);
      if (value.isPresent()) {
        xattrs.set(dst, name, value.get());
      }
    }
    nodes.setTimes(dst,
        Timestamp.of((FileTime) attrs.get("lastAccessTime")),
        Timestamp.of((FileTime) attrs.get("lastModifiedTime")));
  }
}
