package dev.strata.driver.error;

import dev.strata.posix.PosixException;
import java.io.IOException;
import java.util.Locale;

/**
 * Recognises a full disk or an exhausted quota behind an {@code IOException}. The JDK reports
 * {@code ENOSPC} and {@code EDQUOT} only as message text ("No space left on device", "Disk quota
 * exceeded"), Strata's own native calls as a {@link PosixException} errno; either way the operation
 * failed for want of room, a {@link FailedPreconditionException} the operator fixes by freeing space
 * and retrying, not an I/O fault.
 */
public final class OutOfSpace {

  private OutOfSpace() {}

  /** Whether {@code e} or any of its causes is {@code ENOSPC} or {@code EDQUOT}. */
  public static boolean exhausted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PosixException p && (p.errno() == PosixException.ENOSPC || p.errno() == PosixException.EDQUOT)) {
        return true;
      }
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("no space left on device") || m.contains("disk quota exceeded")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code e} as a {@link FailedPreconditionException} about {@code subject} when the disk or a
   * quota is full; otherwise {@code e} itself. A {@link StorageException} that is not about space
   * (a corrupt tar) is returned unchanged.
   *
   * @param doing what failed, for the message: {@code "registering a layer"}
   */
  public static IOException translate(IOException e, String subject, String doing) {
    if (e instanceof FailedPreconditionException || !exhausted(e)) {
      return e;
    }
    if (e instanceof StorageException && !(e.getCause() != null && exhausted(e.getCause()))) {
      return e;
    }
    return new FailedPreconditionException(subject, doing + " under " + subject
        + " failed: no space left on device (or disk quota exceeded): " + e.getMessage()
        + "; nothing was kept; free space (remove unused images, containers or volumes) and retry", e);
  }
}
