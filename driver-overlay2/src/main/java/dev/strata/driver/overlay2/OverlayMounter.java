package dev.strata.driver.overlay2;

import dev.strata.driver.Mount;
import dev.strata.driver.Mounter;
import dev.strata.posix.FsMountCalls;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Performs overlay {@link Mount}s with the new mount API: {@code fsopen("overlay")}, one {@code
 * fsconfig} per option and one {@code lowerdir+} per lower layer, {@code fsmount}, {@code
 * move_mount}. {@code mount(2)} would take the same options as one string, which the kernel cuts at
 * 4095 bytes, about 41 layers of absolute paths; this way the only limit is overlay's own 500
 * lowers. Bind mounts and unmounts go to the system mounter it wraps.
 */
final class OverlayMounter implements Mounter {

  private static final Map<String, Long> ATTRIBUTES = Map.of(
      "ro", FsMountCalls.MOUNT_ATTR_RDONLY,
      "nosuid", FsMountCalls.MOUNT_ATTR_NOSUID,
      "nodev", FsMountCalls.MOUNT_ATTR_NODEV,
      "noexec", FsMountCalls.MOUNT_ATTR_NOEXEC,
      "noatime", FsMountCalls.MOUNT_ATTR_NOATIME,
      "nodiratime", FsMountCalls.MOUNT_ATTR_NODIRATIME);

  private final Mounter system;
  private final FsMountCalls calls;

  OverlayMounter(Mounter system, FsMountCalls calls) {
    this.system = system;
    this.calls = calls;
  }

  @Override
  public void mount(Mount mount) throws IOException {
    if (!mount.type().equals("overlay")) {
      system.mount(mount);
      return;
    }
    String subject = "overlay on " + mount.target();
    try {
      int fs = calls.fsopen("overlay");
      try {
        long attributes = configure(fs, mount);
        calls.create(fs, subject);
        int mnt = calls.fsmount(fs, attributes, subject);
        try {
          calls.moveMount(mnt, mount.target());
        } finally {
          calls.close(mnt);
        }
      } finally {
        calls.close(fs);
      }
    } catch (PosixException e) {
      throw new IOException("cannot mount " + subject + " with " + summary(mount) + ": "
          + e.getMessage(), e);
    }
  }

  /** Sets every option on the context; returns the {@code MOUNT_ATTR_*} bits for fsmount. */
  private long configure(int fs, Mount mount) throws PosixException {
    long attributes = 0;
    for (String option : mount.options()) {
      Long attribute = ATTRIBUTES.get(option);
      int eq = option.indexOf('=');
      if (attribute != null) {
        attributes |= attribute;
        if (option.equals("ro")) {
          calls.setFlag(fs, "ro");
        }
      } else if (option.startsWith("lowerdir=")) {
        for (String lower : option.substring("lowerdir=".length()).split(":")) {
          calls.setString(fs, "lowerdir+", lower);
        }
      } else if (eq > 0) {
        calls.setString(fs, option.substring(0, eq), option.substring(eq + 1));
      } else if (!option.equals("rw")) {
        calls.setFlag(fs, option);
      }
    }
    return attributes;
  }

  private static String summary(Mount mount) {
    int lowers = 0;
    StringBuilder rest = new StringBuilder();
    for (String option : mount.options()) {
      if (option.startsWith("lowerdir=")) {
        lowers = option.split(":").length;
      } else {
        rest.append(rest.length() == 0 ? "" : ",").append(option);
      }
    }
    return lowers + " lower layers and [" + rest + "]";
  }

  @Override
  public void unmount(Path target) throws IOException {
    system.unmount(target);
  }
}
