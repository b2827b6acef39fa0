package dev.strata.posix;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The raw libc functions Strata needs, bound with jnr-ffi. Public only because jnr-ffi generates its implementation in
 * another class loader; it is not API. Callers use the small typed classes beside it, which turn a
 * {@code -1} return into a {@link PosixException} carrying errno. Signatures use JDK types only;
 * a path is a NUL-terminated {@code byte[]} ({@link RawNames#cString}), never a {@code String},
 * which jnr-ffi would encode with the default charset and so lose a name that is not UTF-8.
 */
public interface LibC {

  @SaveError
  int lchown(@In byte[] path, int uid, int gid);

  @SaveError
  int mknod(@In byte[] path, int mode, long dev);

  @SaveError
  int mkfifo(@In byte[] path, int mode);

  @SaveError
  int chmod(@In byte[] path, int mode);

  int geteuid();

  int getegid();

  /** {@code times} is two {@code struct timespec} (atime, mtime) flattened to four longs. */
  @SaveError
  int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);

  @SaveError
  int lsetxattr(@In byte[] path, String name, @In byte[] value, long size, int flags);

  @SaveError
  long lgetxattr(@In byte[] path, String name, @Out byte[] value, long size);

  @SaveError
  long llistxattr(@In byte[] path, @Out byte[] list, long size);

  @SaveError
  int lremovexattr(@In byte[] path, String name);

  @SaveError
  int mount(String source, String target, String fstype, long flags, String data);

  @SaveError
  int umount2(String target, int flags);

  @SaveError
  int open(@In byte[] path, int flags, int mode);

  @SaveError
  int openat(int dirfd, @In byte[] path, int flags, int mode);

  @SaveError
  int close(int fd);

  @SaveError
  int ioctl(int fd, long request, long arg);

  @SaveError
  int ioctl(int fd, long request, @In @Out byte[] arg);

  /** Offsets are {@code loff_t *}; pass {@code null} to use and advance the file positions. */
  @SaveError
  long copy_file_range(int fdIn, @In @Out long[] offIn, int fdOut, @In @Out long[] offOut, long len, int flags);

  /** {@code buf} receives a {@code struct statfs}; {@code f_type} is its first {@code long}. */
  @SaveError
  int statfs(@In byte[] path, @Out byte[] buf);

  /** {@code quotactl(2)}: {@code addr} is the command's struct (e.g. {@code fs_disk_quota}). */
  @SaveError
  int quotactl(int cmd, String special, int id, @In @Out byte[] addr);

  @SaveError
  int ftruncate(int fd, long length);

  @SaveError
  int truncate(@In byte[] path, long length);

  @SaveError
  int symlink(@In byte[] target, @In byte[] linkpath);

  @SaveError
  int fsync(int fd);

  @SaveError
  int fchown(int fd, int uid, int gid);

  @SaveError
  int fchmod(int fd, int mode);

  @SaveError
  int fsetxattr(int fd, String name, @In byte[] value, long size, int flags);

  /** {@code pwrite(2)} from a direct buffer: jnr-ffi passes its address, no copy. */
  @SaveError
  long pwrite(int fd, @In java.nio.ByteBuffer buffer, long count, long offset);

  /** {@code flock(2)}: a whole-file lock on the open file description behind {@code fd}. */
  @SaveError
  int flock(int fd, int operation);

  @SaveError
  long pread(int fd, @Out byte[] buffer, long count, long offset);

  @SaveError
  long pwrite(int fd, @In byte[] buffer, long count, long offset);

  /**
   * {@code statx(2)}: {@code buffer} is a direct buffer of at least 256 bytes that receives a
   * {@code struct statx}, whose layout is the same on every architecture.
   */
  @SaveError
  int statx(int dirfd, @In byte[] path, int flags, int mask, @Out java.nio.ByteBuffer buffer);

  /** {@code getdents64(2)} (glibc 2.30) into a direct buffer. */
  @SaveError
  long getdents64(int fd, @Out java.nio.ByteBuffer buffer, long count);

  @SaveError
  long lseek(int fd, long offset, int whence);

  @SaveError
  long readlinkat(int dirfd, @In byte[] path, @Out byte[] buffer, long size);

  /** {@code read(2)} into a direct buffer, at its position. */
  @SaveError
  long read(int fd, @Out java.nio.ByteBuffer buffer, long count);

  @SaveError
  int fstat(int fd, @Out byte[] stat);

  @SaveError
  int stat(@In byte[] path, @Out byte[] stat);

  @SaveError
  int lstat(@In byte[] path, @Out byte[] stat);

  /** {@code syncfs(2)}: writes back every dirty page and inode of the filesystem holding {@code fd}. */
  @SaveError
  int syncfs(int fd);

  @SaveError
  long syscall(long number, long a1, long a2, long a3, long a4, long a5);

  /** {@code syscall(2)} for {@code fsopen}: a name and flags. */
  @SaveError
  long syscall(long number, String name, long flags);

  /** {@code syscall(2)} for {@code fsconfig}: fd, command, key, string value, aux. */
  @SaveError
  long syscall(long number, long fd, long cmd, String key, String value, long aux);

  /** {@code syscall(2)} for {@code fsmount}: fd, flags, mount attributes. */
  @SaveError
  long syscall(long number, long fd, long flags, long attributes);

  /** {@code syscall(2)} for {@code move_mount}: from fd and path, to fd and path, flags. */
  @SaveError
  long syscall(long number, long fromFd, String fromPath, long toFd, String toPath, long flags);

  /**
   * {@code syscall(2)} with six arguments, pointers passed as native addresses: {@code setxattrat}
   * and {@code getxattrat} ({@link DirectoryEntries}).
   */
  @SaveError
  long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

  /** {@code syscall(2)} for {@code getdents64}: fd, buffer, its length. */
  @SaveError
  long syscall(long number, long fd, @Out byte[] buffer, long length);

  /**
   * {@code syscall(2)} for {@code mount_setattr}: dir fd, path, flags, struct mount_attr, its size; and
   * for {@code open_tree}, which takes the first three and ignores the rest.
   */
  @SaveError
  long syscall(long number, long dfd, String path, long flags, @In byte[] attr, long size);
}
