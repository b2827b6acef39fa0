package dev.strata.posix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads the entries of an open directory by name: {@code getdents64} into a large reused buffer,
 * then {@code statx} and {@code readlinkat} with {@code AT_SYMLINK_NOFOLLOW}, {@code
 * listxattrat}/{@code getxattrat} (Linux 6.13) and {@code openat} for reading, each relative to the
 * directory's descriptor. A tree walk that names every entry by its whole path makes the kernel
 * look each ancestor up again on every call; here each call resolves one name, as {@code tar -c}
 * does. Nothing here follows a symlink.
 *
 * <pre>{@code
 * EntryReads reads = new EntryReads();
 * try (DirectoryFd dir = DirectoryFd.open(root)) {
 *   reads.list(dir, (name, type) -> names.add(name));
 *   for (String name : names) {
 *     Optional<EntryStat> stat = reads.stat(dir, name);
 *   }
 * }
 * }</pre>
 *
 * <p>Names are raw strings ({@link RawNames}) of one component. The native buffers are allocated
 * once and reused, so an instance is not thread-safe: use one per thread. When the kernel lacks
 * the {@code *xattrat} calls ({@code ENOSYS}, or {@code EPERM} from a seccomp filter that refuses
 * calls it does not know) the instance falls back, for good, to {@code llistxattr}/{@code
 * lgetxattr} on the directory's path joined with the name.
 */
public final class EntryReads {

  /** {@code d_type} values: what {@link #list} reports for each entry. */
  public static final int DT_UNKNOWN = 0;

  public static final int DT_CHR = 2;
  public static final int DT_DIR = 4;
  public static final int DT_REG = 8;

  /** Receives one entry of a listing: its name and {@code d_type}. */
  @FunctionalInterface
  public interface Visitor {
    void entry(String name, int type) throws IOException;
  }

  static final long SYS_GETXATTRAT = 464;
  static final long SYS_LISTXATTRAT = 465;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int AT_NO_AUTOMOUNT = 0x800;
  private static final int STATX_BASIC_STATS = 0x7ff;
  private static final int STATX_SIZE = 256;
  private static final int O_RDONLY = 0;
  private static final int O_NOFOLLOW = 0400000;
  private static final int O_CLOEXEC = 02000000;
  private static final int SEEK_SET = 0;
  /** {@code struct linux_dirent64}: u64 ino, s64 off, u16 reclen, u8 type, name. */
  private static final int RECLEN_OFFSET = 16;
  private static final int TYPE_OFFSET = 18;
  private static final int NAME_OFFSET = 19;
  /** Large enough that a directory of a few thousand entries is read in a handful of calls. */
  private static final int LISTING_SIZE = 128 * 1024;
  private static final int NAME_MAX = 255;
  /** {@code struct xattr_args}: u64 value (a pointer), u32 size, u32 flags. */
  private static final int XATTR_ARGS_SIZE = 16;

  private final LibC libc = Native.LIBC;
  private final Xattrs byPath = new Xattrs();
  private final long listxattrat;
  private final long getxattrat;
  private final ByteBuffer listing = ByteBuffer.allocateDirect(LISTING_SIZE).order(ByteOrder.nativeOrder());
  private final ByteBuffer statx = ByteBuffer.allocateDirect(STATX_SIZE).order(ByteOrder.nativeOrder());
  private final byte[] cName = new byte[NAME_MAX + 1];
  private final byte[] name = new byte[NAME_MAX];
  private final Pointer nativeName = Memory.allocateDirect(Native.RUNTIME, NAME_MAX + 1);
  private final Pointer nativeAttribute = Memory.allocateDirect(Native.RUNTIME, NAME_MAX + 1);
  private final Pointer getArgs = Memory.allocateDirect(Native.RUNTIME, XATTR_ARGS_SIZE);
  private Pointer values;
  private int valuesSize;
  private byte[] copy = new byte[256];
  private boolean listingInUse;
  private boolean pathBased;

  public EntryReads() {
    this(SYS_LISTXATTRAT, SYS_GETXATTRAT);
  }

  /** With other system call numbers: a test passes unassigned ones to get a real ENOSYS. */
  EntryReads(long listxattrat, long getxattrat) {
    this.listxattrat = listxattrat;
    this.getxattrat = getxattrat;
    allocateValues(4096);
  }

  /**
   * Calls {@code visitor} for every entry of {@code dir} but {@code .} and {@code ..}, in the
   * order the filesystem lists them, from the start whatever was read of it before. The visitor
   * may call every method of this instance but {@code list}.
   */
  public void list(DirectoryFd dir, Visitor visitor) throws IOException {
    if (listingInUse) {
      throw new IllegalStateException("list called from its own visitor");
    }
    int fd = dir.fd();
    Errors.check(libc.lseek(fd, 0, SEEK_SET), "lseek", RawNames.printable(dir.path()));
    listingInUse = true;
    try {
      while (true) {
        listing.clear();
        long filled = Errors.check(libc.getdents64(fd, listing, LISTING_SIZE), "getdents64",
            RawNames.printable(dir.path()));
        if (filled == 0) {
          return;
        }
        for (int at = 0; at < filled; at += listing.getShort(at + RECLEN_OFFSET) & 0xffff) {
          int length = 0;
          while (listing.get(at + NAME_OFFSET + length) != 0) {
            length++;
          }
          listing.get(at + NAME_OFFSET, name, 0, length);
          if (!isDot(length)) {
            visitor.entry(new String(name, 0, length, StandardCharsets.ISO_8859_1),
                listing.get(at + TYPE_OFFSET) & 0xff);
          }
        }
      }
    } finally {
      listingInUse = false;
    }
  }

  /** {@code lstat} of {@code name} in {@code dir}; empty when nothing has that name. */
  public Optional<EntryStat> stat(DirectoryFd dir, String entry) throws PosixException {
    int rc = libc.statx(dir.fd(), cName(entry), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, statx);
    if (rc < 0) {
      int errno = Errors.lastErrno();
      if (errno == PosixException.ENOENT) {
        return Optional.empty();
      }
      throw new PosixException("statx", subject(dir, entry), errno);
    }
    // struct statx: the same layout on every architecture.
    return Optional.of(new EntryStat(
        statx.getShort(28) & 0xffff,
        Integer.toUnsignedLong(statx.getInt(20)),
        Integer.toUnsignedLong(statx.getInt(24)),
        statx.getLong(40),
        new Timestamp(statx.getLong(112), statx.getInt(120)),
        FileNodes.makedev(Integer.toUnsignedLong(statx.getInt(128)), Integer.toUnsignedLong(statx.getInt(132))),
        FileNodes.makedev(Integer.toUnsignedLong(statx.getInt(136)), Integer.toUnsignedLong(statx.getInt(140))),
        statx.getLong(32),
        statx.getInt(16)));
  }

  /** The target of the symlink {@code entry}, a raw string. */
  public String readLink(DirectoryFd dir, String entry) throws PosixException {
    byte[] c = cName(entry);
    byte[] target = new byte[4097];
    while (true) {
      long n = Errors.check(libc.readlinkat(dir.fd(), c, target, target.length), "readlinkat", subject(dir, entry));
      if (n < target.length) {
        return new String(target, 0, (int) n, StandardCharsets.ISO_8859_1);
      }
      target = new byte[target.length * 2];
    }
  }

  /** The names of {@code entry}'s extended attributes; empty when its filesystem has none. */
  public List<String> xattrNames(DirectoryFd dir, String entry) throws PosixException {
    if (!pathBased) {
      putName(nativeName, entry);
      while (true) {
        long n = libc.syscall(listxattrat, dir.fd(), nativeName.address(), AT_SYMLINK_NOFOLLOW,
            values.address(), valuesSize);
        if (n >= 0) {
          return n == 0 ? List.of() : split((int) n);
        }
        int errno = Errors.lastErrno();
        if (errno == PosixException.EOPNOTSUPP) {
          return List.of();
        }
        if (errno == PosixException.ERANGE) {
          long size = Errors.check(libc.syscall(listxattrat, dir.fd(), nativeName.address(),
              AT_SYMLINK_NOFOLLOW, 0, 0), "listxattrat", subject(dir, entry));
          allocateValues((int) Math.max(size, valuesSize * 2L));
          continue;
        }
        if (!unknownCall(errno)) {
          throw new PosixException("listxattrat", subject(dir, entry), errno);
        }
        pathBased = true;
        break;
      }
    }
    return byPath.list(RawNames.resolve(dir.path(), entry));
  }

  /** The value of {@code entry}'s attribute {@code attribute}, or empty when it has none. */
  public Optional<byte[]> xattr(DirectoryFd dir, String entry, String attribute) throws PosixException {
    if (!pathBased) {
      putName(nativeName, entry);
      byte[] a = attribute.getBytes(StandardCharsets.UTF_8);
      if (a.length > NAME_MAX) {
        return byPath.get(RawNames.resolve(dir.path(), entry), attribute);
      }
      nativeAttribute.put(0, a, 0, a.length);
      nativeAttribute.putByte(a.length, (byte) 0);
      while (true) {
        long n = libc.syscall(getxattrat, dir.fd(), nativeName.address(), AT_SYMLINK_NOFOLLOW,
            nativeAttribute.address(), getArgs.address(), XATTR_ARGS_SIZE);
        if (n >= 0) {
          byte[] value = new byte[(int) n];
          values.get(0, value, 0, value.length);
          return Optional.of(value);
        }
        int errno = Errors.lastErrno();
        if (errno == PosixException.ENODATA || errno == PosixException.EOPNOTSUPP) {
          return Optional.empty();
        }
        if (errno == PosixException.ERANGE) {
          allocateValues(valuesSize * 4);
          continue;
        }
        if (!unknownCall(errno)) {
          throw new PosixException("getxattrat", subject(dir, entry) + " " + attribute, errno);
        }
        pathBased = true;
        break;
      }
    }
    return byPath.get(RawNames.resolve(dir.path(), entry), attribute);
  }

  /**
   * Opens {@code entry} for reading, never through a symlink ({@code O_NOFOLLOW}).
   *
   * @throws PosixException ENOENT when it is gone, ELOOP when it is a symlink
   */
  public ReadOnlyFile open(DirectoryFd dir, String entry) throws PosixException {
    int fd = libc.openat(dir.fd(), cName(entry), O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      throw new PosixException("openat", subject(dir, entry), Errors.lastErrno());
    }
    return new ReadOnlyFile(dir.path(), entry, fd);
  }

  /** True once the instance uses the path calls for xattrs, after ENOSYS. */
  boolean isPathBased() {
    return pathBased;
  }

  /** What a kernel before 6.13, or a seccomp filter that does not know the call, answers. */
  private static boolean unknownCall(int errno) {
    return errno == PosixException.ENOSYS || errno == PosixException.EPERM;
  }

  private List<String> split(int length) {
    if (copy.length < length) {
      copy = new byte[Math.max(length, copy.length * 2)];
    }
    values.get(0, copy, 0, length);
    List<String> names = new ArrayList<>(4);
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (copy[i] == 0) {
        if (i > start) {
          names.add(new String(copy, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return names;
  }

  private void allocateValues(int size) {
    values = Memory.allocateDirect(Native.RUNTIME, size);
    valuesSize = size;
    getArgs.putLong(0, values.address());
    getArgs.putInt(8, size);
    getArgs.putInt(12, 0);
  }

  /** {@code entry} with a terminating NUL, in a reused array when it fits. */
  private byte[] cName(String entry) {
    int length = entry.length();
    byte[] c = length < cName.length ? cName : new byte[length + 1];
    fill(entry, c);
    c[length] = 0;
    return c;
  }

  private void putName(Pointer into, String entry) {
    int length = entry.length();
    if (length > NAME_MAX) {
      throw new IllegalArgumentException("name longer than " + NAME_MAX + " bytes: " + RawNames.printable(entry));
    }
    fill(entry, cName);
    into.put(0, cName, 0, length);
    into.putByte(length, (byte) 0);
  }

  private static void fill(String entry, byte[] into) {
    for (int i = 0; i < entry.length(); i++) {
      char ch = entry.charAt(i);
      if (ch == '/' || ch == 0 || ch > 0xff) {
        throw new IllegalArgumentException("not one raw name component: " + RawNames.printable(entry));
      }
      into[i] = (byte) ch;
    }
  }

  private boolean isDot(int length) {
    return (length == 1 && name[0] == '.') || (length == 2 && name[0] == '.' && name[1] == '.');
  }

  private static String subject(DirectoryFd dir, String entry) {
    return RawNames.printable(RawNames.resolve(dir.path(), entry));
  }
}
