package dev.strata.posix;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Extended attributes of a path itself ({@code l*xattr}: a symlink's own attributes, never its
 * target's). Values are raw bytes: {@code security.capability} and overlay's attributes are binary.
 */
public final class Xattrs {

  private static final int XATTR_CREATE = 1;
  private static final int INITIAL = 256;

  private final LibC libc = Native.LIBC;

  /** Names in the order the filesystem lists them; empty when the filesystem has no xattr support. */
  public List<String> list(Path path) throws PosixException {
    byte[] c = RawNames.cString(path);
    String p = RawNames.printable(path);
    byte[] buf = new byte[INITIAL];
    while (true) {
      long n = libc.llistxattr(c, buf, buf.length);
      if (n >= 0) {
        return split(buf, (int) n);
      }
      int errno = Errors.lastErrno();
      if (errno == PosixException.EOPNOTSUPP) {
        return List.of();
      }
      if (errno != PosixException.ERANGE) {
        throw new PosixException("llistxattr", p, errno);
      }
      long size = Errors.check(libc.llistxattr(c, null, 0), "llistxattr", p);
      buf = new byte[(int) Math.max(size, buf.length * 2L)];
    }
  }

  /** The value, or empty when the attribute is not set. */
  public Optional<byte[]> get(Path path, String name) throws PosixException {
    byte[] c = RawNames.cString(path);
    String p = RawNames.printable(path);
    byte[] buf = new byte[INITIAL];
    while (true) {
      long n = libc.lgetxattr(c, name, buf, buf.length);
      if (n >= 0) {
        byte[] out = new byte[(int) n];
        System.arraycopy(buf, 0, out, 0, (int) n);
        return Optional.of(out);
      }
      int errno = Errors.lastErrno();
      if (errno == PosixException.ENODATA || errno == PosixException.EOPNOTSUPP) {
        return Optional.empty();
      }
      if (errno != PosixException.ERANGE) {
        throw new PosixException("lgetxattr", p + " " + name, errno);
      }
      long size = Errors.check(libc.lgetxattr(c, name, null, 0), "lgetxattr", p + " " + name);
      buf = new byte[(int) Math.max(size, buf.length * 2L)];
    }
  }

  public void set(Path path, String name, byte[] value) throws PosixException {
    byte[] c = RawNames.cString(path);
    String p = RawNames.printable(path);
    Errors.check(libc.lsetxattr(c, name, value, value.length, 0), "lsetxattr", p + " " + name);
  }

  /** Sets only when absent; fails with EEXIST otherwise. */
  public void create(Path path, String name, byte[] value) throws PosixException {
    byte[] c = RawNames.cString(path);
    String p = RawNames.printable(path);
    Errors.check(
        libc.lsetxattr(c, name, value, value.length, XATTR_CREATE), "lsetxattr", p + " " + name);
  }

  /** Removes the attribute; absent is not an error. */
  public void remove(Path path, String name) throws PosixException {
    byte[] c = RawNames.cString(path);
    String p = RawNames.printable(path);
    if (libc.lremovexattr(c, name) < 0) {
      int errno = Errors.lastErrno();
      if (errno != PosixException.ENODATA) {
        throw new PosixException("lremovexattr", p + " " + name, errno);
      }
    }
  }

  private static List<String> split(byte[] buf, int len) {
    List<String> names = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < len; i++) {
      if (buf[i] == 0) {
        if (i > start) {
          names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return names;
  }
}
