package dev.strata.posix;

import java.nio.file.Path;

/**
 * Whether a filesystem fills in {@code d_type} in directory entries (xfs formatted with {@code
 * ftype=0} does not). Overlay needs it to find whiteouts without a {@code stat} per entry, and
 * misbehaves on an upper without it. Java's directory streams hide the field, so this reads the raw
 * entries with {@code getdents64}.
 */
public final class DirEntryTypes {

  private static final long SYS_GETDENTS64 = 217;
  private static final int O_RDONLY = 0;
  private static final int O_DIRECTORY = 0200000;
  private static final int O_CLOEXEC = 02000000;
  /** {@code struct linux_dirent64}: u64 ino, s64 off, u16 reclen, u8 type, name. */
  private static final int RECLEN_OFFSET = 16;
  private static final int TYPE_OFFSET = 18;
  private static final int NAME_OFFSET = 19;
  private static final int DT_UNKNOWN = 0;

  private final LibC libc = Native.LIBC;

  /**
   * True when every entry of {@code dir} other than {@code .} and {@code ..} carries a type; call it
   * on a directory holding at least one entry. Only x86_64 and the architectures sharing its
   * number 217 are supported.
   */
  public boolean reported(Path dir) throws PosixException {
    String p = RawNames.printable(dir);
    int fd = libc.open(RawNames.cString(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    Errors.check(fd, "open", p);
    try {
      byte[] buf = new byte[8192];
      boolean sawEntry = false;
      for (long n; (n = Errors.check(libc.syscall(SYS_GETDENTS64, fd, buf, buf.length), "getdents64", p)) > 0; ) {
        for (int off = 0; off < n; ) {
          int reclen = (buf[off + RECLEN_OFFSET] & 0xff) | (buf[off + RECLEN_OFFSET + 1] & 0xff) << 8;
          int type = buf[off + TYPE_OFFSET] & 0xff;
          boolean dot = buf[off + NAME_OFFSET] == '.' && (buf[off + NAME_OFFSET + 1] == 0
              || (buf[off + NAME_OFFSET + 1] == '.' && buf[off + NAME_OFFSET + 2] == 0));
          if (!dot) {
            sawEntry = true;
            if (type == DT_UNKNOWN) {
              return false;
            }
          }
          off += reclen;
        }
      }
      return sawEntry;
    } finally {
      libc.close(fd);
    }
  }
}
