package dev.strata.snapshotter;

import dev.strata.driver.Mount;
import dev.strata.driver.error.FailedPreconditionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * containerd performs every mount with one {@code mount(2)} call, whose data (the options that are
 * not flags) must fit one page. For an overlay it first shortens the lowers by naming them
 * relative to the parent of their common prefix (it changes directory there); a stack deeper than
 * that saves is refused at Prepare, naming the limit, instead of failing later in containerd's
 * mount. With overlay2's short links that allows about 140 layers.
 */
final class MountDataLimit {

  static final int PAGE = 4096;

  /** Options containerd turns into mount flags, so they take no room in the data. */
  private static final Set<String> FLAGS = Set.of("ro", "rw", "bind", "rbind", "nosuid", "suid", "nodev",
      "dev", "noexec", "exec", "sync", "async", "noatime", "atime", "nodiratime", "diratime", "relatime",
      "norelatime", "strictatime", "nostrictatime", "remount", "dirsync", "mand", "nomand", "private",
      "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable", "defaults");

  private MountDataLimit() {}

  static void check(String key, List<Mount> mounts) throws FailedPreconditionException {
    for (Mount m : mounts) {
      int bytes = dataBytes(m);
      if (bytes > PAGE) {
        throw new FailedPreconditionException(key, "snapshot '" + Limits.shorten(key) + "' would need "
            + bytes + " bytes of " + m.type() + " mount options, more than the " + PAGE
            + " containerd can pass to mount(2); the stack of parents is too deep");
      }
    }
  }

  static int dataBytes(Mount m) {
    List<String> data = new ArrayList<>();
    for (String o : m.options()) {
      if (FLAGS.contains(o)) {
        continue;
      }
      data.add(m.type().equals("overlay") && o.startsWith("lowerdir=") ? compacted(o) : o);
    }
    return String.join(",", data).getBytes(StandardCharsets.UTF_8).length;
  }

  /** The lowerdir option as containerd rewrites it when the options come near a page. */
  private static String compacted(String option) {
    String[] lowers = option.substring("lowerdir=".length()).split(":");
    if (lowers.length < 2) {
      return option;
    }
    String prefix = lowers[0];
    for (String l : lowers) {
      int i = 0;
      while (i < prefix.length() && i < l.length() && prefix.charAt(i) == l.charAt(i)) {
        i++;
      }
      prefix = prefix.substring(0, i);
    }
    // containerd takes path.Dir of the common prefix: everything up to its last slash.
    int slash = prefix.lastIndexOf('/');
    if (slash <= 0) {
      return option;
    }
    String dir = prefix.substring(0, slash + 1);
    List<String> relative = new ArrayList<>();
    for (String l : lowers) {
      relative.add(l.substring(dir.length()));
    }
    return "lowerdir=" + String.join(":", relative);
  }
}
