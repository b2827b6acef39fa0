package dev.strata.posix;

/**
 * {@code quotactl(2)} with a caller-laid-out argument buffer, as {@link Ioctls} does for ioctls:
 * drivers (xfs project quotas) describe {@code fs_disk_quota} and friends as byte arrays, with
 * layouts from the kernel's uapi headers checked by their tests.
 */
public final class Quotas {

  private final LibC libc = Native.LIBC;

  /**
   * Issues {@code quotactl(cmd, blockDevice, id, arg)} (build {@code cmd} with {@code QCMD}); the
   * kernel's writes come back in {@code arg}.
   */
  public void quotactl(int cmd, String blockDevice, int id, byte[] arg) throws PosixException {
    Errors.check(libc.quotactl(cmd, blockDevice, id, arg),
        "quotactl(0x" + Integer.toHexString(cmd) + ", id " + id + ")", blockDevice);
  }
}
