package dev.strata.driver.btrfs;

import dev.strata.posix.Ioctls;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Subvolume calls, each one ioctl: create, snapshot, destroy, read-only flag, id. Paths name the
 * subvolume's root directory; the kernel takes the parent directory's descriptor and the last
 * component as the name.
 */
final class Subvolumes {

  private static final int ENOTEMPTY = 39;

  private final Ioctls ioctls;

  Subvolumes(Ioctls ioctls) {
    this.ioctls = ioctls;
  }

  /** {@code BTRFS_IOC_SUBVOL_CREATE}: a new empty subvolume at {@code path} (root mode 0755). */
  void create(Path path) throws PosixException {
    ByteBuffer args = BtrfsAbi.struct(BtrfsAbi.VOL_ARGS_SIZE);
    BtrfsAbi.putName(args, BtrfsAbi.VOL_ARGS_NAME, name(path), BtrfsAbi.VOL_NAME_MAX);
    ioctls.ioctl(path.getParent(), true, BtrfsAbi.SUBVOL_CREATE, args.array());
  }

  /** {@code BTRFS_IOC_SNAP_CREATE_V2}: {@code target} becomes a snapshot of subvolume {@code source}. */
  void snapshot(Path source, Path target, boolean readOnly) throws PosixException {
    ByteBuffer args = BtrfsAbi.struct(BtrfsAbi.VOL_ARGS_V2_SIZE);
    args.putLong(BtrfsAbi.VOL_ARGS_V2_FLAGS, readOnly ? BtrfsAbi.SUBVOL_RDONLY : 0);
    BtrfsAbi.putName(args, BtrfsAbi.VOL_ARGS_V2_NAME, name(target), BtrfsAbi.SUBVOL_NAME_MAX);
    ioctls.ioctlWithFd(target.getParent(), BtrfsAbi.SNAP_CREATE_V2, args.array(), source, 0);
  }

  /** {@code BTRFS_IOC_SNAP_DESTROY} of one subvolume, which must hold no other subvolume. */
  void destroy(Path path) throws PosixException {
    ByteBuffer args = BtrfsAbi.struct(BtrfsAbi.VOL_ARGS_SIZE);
    BtrfsAbi.putName(args, BtrfsAbi.VOL_ARGS_NAME, name(path), BtrfsAbi.VOL_NAME_MAX);
    ioctls.ioctl(path.getParent(), true, BtrfsAbi.SNAP_DESTROY, args.array());
  }

  boolean isReadOnly(Path path) throws PosixException {
    ByteBuffer flags = BtrfsAbi.struct(8);
    ioctls.ioctl(path, true, BtrfsAbi.SUBVOL_GETFLAGS, flags.array());
    return (flags.getLong(0) & BtrfsAbi.SUBVOL_RDONLY) != 0;
  }

  /** {@code BTRFS_IOC_SUBVOL_SETFLAGS}; read-only is the only flag the kernel accepts. */
  void setReadOnly(Path path, boolean readOnly) throws PosixException {
    ByteBuffer flags = BtrfsAbi.struct(8);
    flags.putLong(0, readOnly ? BtrfsAbi.SUBVOL_RDONLY : 0);
    ioctls.ioctl(path, true, BtrfsAbi.SUBVOL_SETFLAGS, flags.array());
  }

  /** The subvolume (tree) id of the subvolume holding {@code path}: {@code BTRFS_IOC_INO_LOOKUP}, treeid 0. */
  long id(Path path) throws PosixException {
    ByteBuffer args = BtrfsAbi.struct(BtrfsAbi.INO_LOOKUP_SIZE);
    args.putLong(8, BtrfsAbi.FIRST_FREE_OBJECTID);
    ioctls.ioctl(path, true, BtrfsAbi.INO_LOOKUP, args.array());
    return args.getLong(0);
  }

  /** A directory whose inode is 256 is a subvolume's root (or the filesystem's top level). */
  static boolean isSubvolume(Path path) throws IOException {
    if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Object ino = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    return ((Number) ino).longValue() == BtrfsAbi.FIRST_FREE_OBJECTID;
  }

  /**
   * Destroys the subvolume at {@code root} and every subvolume nested inside it (a container may
   * create some). The kernel refuses a subvolume that still holds another with {@code ENOTEMPTY};
   * only then is the tree walked for inode-256 directories, since walking a large layer costs far
   * more than the ioctl. Nested ones go deepest first, read-only flags cleared on the way: an
   * entry cannot be unlinked from a read-only subvolume.
   */
  void destroyTree(Path root) throws IOException {
    try {
      destroy(root);
      return;
    } catch (PosixException e) {
      if (e.errno() != ENOTEMPTY) {
        throw e;
      }
    }
    if (isReadOnly(root)) {
      setReadOnly(root, false);
    }
    List<Path> nested = nestedIn(root);
    nested.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path sub : nested) {
      if (isReadOnly(sub)) {
        setReadOnly(sub, false);
      }
    }
    for (Path sub : nested) {
      destroy(sub);
    }
    destroy(root);
  }

  /** Subvolumes strictly below {@code root}. */
  static List<Path> nestedIn(Path root) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!dir.equals(root) && isSubvolume(dir)) {
          found.add(dir);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return found;
  }

  private static String name(Path path) {
    return path.getFileName().toString();
  }
}
