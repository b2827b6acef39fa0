package dev.strata.archive;

/**
 * Knobs for {@link LayerApplier}.
 *
 * @param createDevices create character and block devices; when false such an entry is refused
 *     with an {@code UnsupportedException} (the default follows whether the process may {@code
 *     mknod}, i.e. runs as root)
 * @param restoreOwnership {@code lchown} every entry to the tar's uid/gid (root only)
 * @param fsync flush each file before the apply returns (durability over speed)
 */
public record ApplyOptions(boolean createDevices, boolean restoreOwnership, boolean fsync) {

  /** What a privileged runtime wants: everything restored, no per-file fsync. */
  public static ApplyOptions privileged() {
    return new ApplyOptions(true, true, false);
  }

  /** What an unprivileged process can do: no devices, no chown. */
  public static ApplyOptions unprivileged() {
    return new ApplyOptions(false, false, false);
  }

  public ApplyOptions withCreateDevices(boolean value) {
    return new ApplyOptions(value, restoreOwnership, fsync);
  }

  public ApplyOptions withFsync(boolean value) {
    return new ApplyOptions(createDevices, restoreOwnership, value);
  }
}
