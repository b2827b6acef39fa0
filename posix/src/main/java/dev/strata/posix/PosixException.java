package dev.strata.posix;

import java.io.IOException;
import jnr.constants.platform.Errno;

/**
 * A system call failed. Carries errno so callers can branch on the few values that mean something
 * to them ({@code EOPNOTSUPP} for "no reflink here", {@code EXDEV}, {@code EPERM}) while the message
 * names the call and the path for an operator.
 */
public final class PosixException extends IOException {

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENODEV = 19;
  public static final int ENOTDIR = 20;
  public static final int EINVAL = 22;
  public static final int ENOTTY = 25;
  public static final int ENOSPC = 28;
  public static final int EROFS = 30;
  public static final int ERANGE = 34;
  public static final int ENOSYS = 38;
  public static final int ELOOP = 40;
  public static final int ENODATA = 61;
  public static final int EOPNOTSUPP = 95;
  public static final int EDQUOT = 122;

  private final int errno;

  public PosixException(String call, String subject, int errno) {
    super(call + "(" + subject + "): " + describe(errno));
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }

  static String describe(int errno) {
    Errno e = Errno.valueOf(errno);
    return e == null || e.name().startsWith("__")
        ? "errno " + errno
        : e.name() + " (" + e.description() + ")";
  }
}
