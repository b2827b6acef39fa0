package dev.strata.posix;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads an open directory entry by entry and reads or writes one extended attribute of each entry
 * relative to the directory's descriptor: {@code getdents64}, then {@code getxattrat} and {@code
 * setxattrat} with {@code AT_SYMLINK_NOFOLLOW} (Linux 6.13), so a symlink's own attribute is the
 * one read and written. Each call resolves one name in one directory instead of a whole path, and
 * no entry's name is copied: the calls point into the listing buffer.
 *
 * <p>{@code
 * DirectoryEntries entries = new DirectoryEntries("security.selinux");
 * try (DirectoryFd dir = DirectoryFd.open(root)) {
 *   entries.open(dir);
 *   while (entries.next()) {
 *     if (entries.get(buffer) < 0) {
 *       entries.set(value);
 *     }
 *   }
 * }}
 *
 * <p>The native buffers are allocated once and reused, so an instance is not thread-safe: use one
 * per thread. When the kernel lacks the {@code *xattrat} calls ({@code ENOSYS}) the instance falls
 * back, for good, to {@code lgetxattr}/{@code lsetxattr} on the directory's path joined with the
 * entry's name, which a concurrently renamed ancestor could redirect.
 */
public final class DirectoryEntries {

  /** x86_64 numbers, like {@link DirEntryTypes}'; the {@code *xattrat} ones are the same everywhere. */
  private static final long SYS_GETDENTS64 = 217;
  private static final long SYS_NEWFSTATAT = 262;
  static final long SYS_SETXATTRAT = 463;
  static final long SYS_GETXATTRAT = 464;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  /** {@code struct xattr_args}: u64 value (a pointer), u32 size, u32 flags. */
  private static final int XATTR_ARGS_SIZE = 16;
  /** {@code struct linux_dirent64}: u64 ino, s64 off, u16 reclen, u8 type, name. */
  private static final int RECLEN_OFFSET = 16;
  private static final int TYPE_OFFSET = 18;
  private static final int NAME_OFFSET = 19;
  private static final int DT_UNKNOWN = 0;
  private static final int DT_DIR = 4;
  /** x86_64 {@code struct stat}: st_mode follows dev, ino and nlink. */
  private static final int STAT_SIZE = 144;
  private static final int ST_MODE_OFFSET = 24;
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int LISTING_SIZE = 32 * 1024;
  private static final int NAME_MAX = 255;

  private final LibC libc = Native.LIBC;
  private final Xattrs byPath = new Xattrs();
  private final String attribute;
  private final long setxattrat;
  private final long getxattrat;
  private final Pointer listing = Memory.allocateDirect(Native.RUNTIME, LISTING_SIZE);
  private final Pointer attributeName;
  private final Pointer getArgs = Memory.allocateDirect(Native.RUNTIME, XATTR_ARGS_SIZE);
  private final Pointer setArgs = Memory.allocateDirect(Native.RUNTIME, XATTR_ARGS_SIZE);
  /** {@code xattr_args} with size 0: getxattrat then returns the value's length. */
  private final Pointer sizeQuery = Memory.allocateDirect(Native.RUNTIME, XATTR_ARGS_SIZE);
  private final Pointer stat = Memory.allocateDirect(Native.RUNTIME, STAT_SIZE);
  private final byte[] name = new byte[NAME_MAX];
  private Pointer value;
  private boolean pathBased;
  private DirectoryFd dir;
  private int filled;
  private int next;
  private int current = -1;

  /** Entries whose attribute {@code attribute} ({@code "security.selinux"}) is read and written. */
  public DirectoryEntries(String attribute) {
    this(attribute, SYS_SETXATTRAT, SYS_GETXATTRAT);
  }

  /** With other system call numbers: a test passes unassigned ones to get a real ENOSYS. */
  DirectoryEntries(String attribute, long setxattrat, long getxattrat) {
    this.attribute = attribute;
    this.setxattrat = setxattrat;
    this.getxattrat = getxattrat;
    byte[] bytes = attribute.getBytes(StandardCharsets.UTF_8);
    attributeName = Memory.allocateDirect(Native.RUNTIME, bytes.length + 1);
    attributeName.put(0, bytes, 0, bytes.length);
    attributeName.putByte(bytes.length, (byte) 0);
    sizeQuery.putLong(0, 0);
    sizeQuery.putLong(8, 0);
    allocateValue(256);
  }

  /**
   * Entries that use the path calls from the start: for a process whose seccomp filter kills on
   * unknown system calls instead of failing them with ENOSYS.
   */
  public static DirectoryEntries pathBased(String attribute) {
    DirectoryEntries entries = new DirectoryEntries(attribute);
    entries.pathBased = true;
    return entries;
  }

  /** True once the instance uses the path calls, asked for or after ENOSYS. */
  public boolean isPathBased() {
    return pathBased;
  }

  /** Starts reading {@code dir} from its current position; the caller keeps it open and closes it. */
  public void open(DirectoryFd dir) {
    this.dir = dir;
    filled = 0;
    next = 0;
    current = -1;
  }

  /** Moves to the next entry other than {@code .} and {@code ..}; false at the end. */
  public boolean next() throws PosixException {
    DirectoryFd d = opened();
    while (true) {
      if (next >= filled) {
        long n = libc.syscall(SYS_GETDENTS64, d.fd(), listing.address(), LISTING_SIZE, 0, 0);
        Errors.check(n, "getdents64", RawNames.printable(d.path()));
        if (n == 0) {
          current = -1;
          return false;
        }
        filled = (int) n;
        next = 0;
      }
      current = next;
      next += listing.getShort(current + RECLEN_OFFSET) & 0xffff;
      if (!isDot()) {
        return true;
      }
    }
  }

  /** The current entry's name, a raw string ({@link RawNames}). */
  public String name() {
    int length = nameLength();
    listing.get(current + NAME_OFFSET, name, 0, length);
    return new String(name, 0, length, StandardCharsets.ISO_8859_1);
  }

  /**
   * True when the current entry is a directory, not a symlink to one. Uses the listing's {@code
   * d_type}; where the filesystem leaves it unknown, an {@code fstatat} without following.
   *
   * @throws PosixException ENOENT when the entry was removed since it was listed
   */
  public boolean isDirectory() throws PosixException {
    int type = listing.getByte(current() + TYPE_OFFSET) & 0xff;
    if (type != DT_UNKNOWN) {
      return type == DT_DIR;
    }
    long rc = libc.syscall(SYS_NEWFSTATAT, dir.fd(), nameAddress(), stat.address(),
        AT_SYMLINK_NOFOLLOW, 0);
    Errors.check(rc, "fstatat", subject());
    return (stat.getInt(ST_MODE_OFFSET) & S_IFMT) == S_IFDIR;
  }

  /**
   * Reads the current entry's attribute into {@code into}.
   *
   * @return the value's length, or -1 when the entry has no such attribute or its filesystem no
   *     extended attributes. A value longer than {@code into} is reported by its length alone,
   *     {@code into} left as it was.
   * @throws PosixException ENOENT when the entry was removed since it was listed
   */
  public int get(byte[] into) throws PosixException {
    current();
    if (!pathBased) {
      if (value.size() < into.length) {
        allocateValue(into.length);
      }
      long n = libc.syscall(getxattrat, dir.fd(), nameAddress(), AT_SYMLINK_NOFOLLOW,
          attributeName.address(), getArgs.address(), XATTR_ARGS_SIZE);
      if (n >= 0) {
        if (n <= into.length) {
          value.get(0, into, 0, (int) n);
        }
        return (int) n;
      }
      int errno = Errors.lastErrno();
      if (errno == PosixException.ENODATA || errno == PosixException.EOPNOTSUPP) {
        return -1;
      }
      if (errno == PosixException.ERANGE) {
        return (int) Errors.check(libc.syscall(getxattrat, dir.fd(), nameAddress(),
            AT_SYMLINK_NOFOLLOW, attributeName.address(), sizeQuery.address(), XATTR_ARGS_SIZE),
            "getxattrat", subject());
      }
      if (errno != PosixException.ENOSYS) {
        throw new PosixException("getxattrat", subject(), errno);
      }
      pathBased = true;
    }
    Optional<byte[]> stored = byPath.get(RawNames.resolve(dir.path(), name()), attribute);
    if (stored.isEmpty()) {
      return -1;
    }
    byte[] v = stored.get();
    if (v.length <= into.length) {
      System.arraycopy(v, 0, into, 0, v.length);
    }
    return v.length;
  }

  /**
   * Sets the current entry's attribute to {@code bytes}.
   *
   * @throws PosixException ENOENT when the entry was removed since it was listed, EOPNOTSUPP when
   *     its filesystem has no such attributes, EPERM or EROFS when it may not be written
   */
  public void set(byte[] bytes) throws PosixException {
    current();
    if (!pathBased) {
      if (value.size() < bytes.length) {
        allocateValue(bytes.length);
      }
      value.put(0, bytes, 0, bytes.length);
      setArgs.putInt(8, bytes.length);
      long rc = libc.syscall(setxattrat, dir.fd(), nameAddress(), AT_SYMLINK_NOFOLLOW,
          attributeName.address(), setArgs.address(), XATTR_ARGS_SIZE);
      if (rc >= 0) {
        return;
      }
      int errno = Errors.lastErrno();
      if (errno != PosixException.ENOSYS) {
        throw new PosixException("setxattrat", subject(), errno);
      }
      pathBased = true;
    }
    byPath.set(RawNames.resolve(dir.path(), name()), attribute, bytes);
  }

  private void allocateValue(int size) {
    value = Memory.allocateDirect(Native.RUNTIME, size);
    getArgs.putLong(0, value.address());
    getArgs.putInt(8, size);
    getArgs.putInt(12, 0);
    setArgs.putLong(0, value.address());
    setArgs.putInt(12, 0);
  }

  private boolean isDot() {
    long at = current + NAME_OFFSET;
    return listing.getByte(at) == '.' && (listing.getByte(at + 1) == 0
        || (listing.getByte(at + 1) == '.' && listing.getByte(at + 2) == 0));
  }

  private int nameLength() {
    current();
    int length = 0;
    while (listing.getByte(current + NAME_OFFSET + length) != 0) {
      length++;
    }
    return length;
  }

  private long nameAddress() {
    return listing.address() + current + NAME_OFFSET;
  }

  private String subject() {
    return RawNames.printable(RawNames.resolve(dir.path(), name())) + " " + attribute;
  }

  private DirectoryFd opened() {
    if (dir == null) {
      throw new IllegalStateException("no directory opened");
    }
    return dir;
  }

  private int current() {
    opened();
    if (current < 0) {
      throw new IllegalStateException("no current entry in " + dir.path() + ": call next()");
    }
    return current;
  }
}
