package dev.strata.driver;

import dev.strata.posix.FsMountCalls;
import dev.strata.posix.MountCalls;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link Mounter} over {@code mount(2)}: splits {@code mount(8)}-style options into flags and data.
 * {@code rro} (as runc names it) makes a bind read-only recursively, submounts included.
 */
final class SystemMounter implements Mounter {

  private static final Map<String, Long> FLAGS =
      Map.ofEntries(
          Map.entry("ro", MountCalls.MS_RDONLY),
          Map.entry("nosuid", MountCalls.MS_NOSUID),
          Map.entry("nodev", MountCalls.MS_NODEV),
          Map.entry("noexec", MountCalls.MS_NOEXEC),
          Map.entry("sync", MountCalls.MS_SYNCHRONOUS),
          Map.entry("remount", MountCalls.MS_REMOUNT),
          Map.entry("dirsync", MountCalls.MS_DIRSYNC),
          Map.entry("noatime", MountCalls.MS_NOATIME),
          Map.entry("nodiratime", MountCalls.MS_NODIRATIME),
          Map.entry("bind", MountCalls.MS_BIND),
          Map.entry("rbind", MountCalls.MS_BIND | MountCalls.MS_REC),
          Map.entry("relatime", MountCalls.MS_RELATIME),
          Map.entry("strictatime", MountCalls.MS_STRICTATIME));

  private static final Map<String, Long> PROPAGATION =
      Map.of(
          "private", MountCalls.MS_PRIVATE,
          "rprivate", MountCalls.MS_PRIVATE | MountCalls.MS_REC,
          "shared", MountCalls.MS_SHARED,
          "rshared", MountCalls.MS_SHARED | MountCalls.MS_REC,
          "slave", MountCalls.MS_SLAVE,
          "rslave", MountCalls.MS_SLAVE | MountCalls.MS_REC,
          "unbindable", MountCalls.MS_UNBINDABLE,
          "runbindable", MountCalls.MS_UNBINDABLE | MountCalls.MS_REC);

  private static final java.util.Set<String> SECRETS = java.util.Set.of("password", "pass", "passwd");

  private final MountCalls calls = new MountCalls();
  private final FsMountCalls fsCalls = new FsMountCalls();

  @Override
  public void mount(Mount mount) throws IOException {
    long flags = 0;
    long propagation = 0;
    boolean recursiveReadOnly = false;
    List<String> data = new ArrayList<>();
    for (String option : mount.options()) {
      Long flag = FLAGS.get(option);
      Long prop = PROPAGATION.get(option);
      if (flag != null) {
        flags |= flag;
      } else if (prop != null) {
        propagation |= prop;
      } else if (option.equals("rro")) {
        recursiveReadOnly = true;
      } else if (!option.equals("rw") && !option.equals("defaults")) {
        data.add(option);
      }
    }
    boolean bind = (flags & MountCalls.MS_BIND) != 0;
    String type = bind ? "none" : mount.type();
    try {
      calls.mount(mount.source(), mount.target(), type, flags, data.isEmpty() ? null : String.join(",", data));
      // The kernel ignores MS_RDONLY on the first bind; read-only binds need a remount.
      if (bind && (flags & MountCalls.MS_RDONLY) != 0) {
        calls.mount("none", mount.target(), null, flags | MountCalls.MS_REMOUNT, null);
      }
      if (recursiveReadOnly) {
        fsCalls.setAttributesRecursively(mount.target(), FsMountCalls.MOUNT_ATTR_RDONLY, 0);
      }
      if (propagation != 0) {
        calls.mount("none", mount.target(), null, propagation, null);
      }
    } catch (PosixException e) {
      throw new IOException("cannot mount " + mount.type() + " " + mount.source() + " on " + mount.target()
          + " with " + printable(mount.options()) + ": " + e.getMessage(), e);
    }
  }

  /** The options for a message: a password (cifs, smb) never reaches an error or a log. */
  static List<String> printable(List<String> options) {
    List<String> shown = new ArrayList<>();
    for (String option : options) {
      int eq = option.indexOf('=');
      String key = eq < 0 ? option : option.substring(0, eq);
      shown.add(SECRETS.contains(key) ? key + "=********" : option);
    }
    return shown;
  }

  @Override
  public void unmount(Path target) throws IOException {
    calls.umount(target, MountCalls.UMOUNT_NOFOLLOW);
  }
}
