package dev.strata.snapshotter;

import dev.strata.driver.Mount;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the driver's description of a layer's view into what containerd mounts. An active
 * snapshot gets the driver's mounts as they are (read-write). A view gets them read-only, and an
 * overlay loses its upper and work directories, as containerd's own overlay snapshotter returns a
 * view: the same upper mounted twice at once is refused by the kernel, and a view must not write
 * anywhere. An overlay left with one lower becomes a read-only bind of it, since overlay needs two
 * lowers when it has no upper.
 */
final class SnapshotMounts {

  private SnapshotMounts() {}

  static List<Mount> forKind(Kind kind, List<Mount> driverMounts) {
    if (kind != Kind.VIEW) {
      return driverMounts;
    }
    List<Mount> views = new ArrayList<>();
    for (Mount m : driverMounts) {
      views.add(readOnly(m));
    }
    return views;
  }

  private static Mount readOnly(Mount m) {
    List<String> options = new ArrayList<>();
    List<String> lowers = List.of();
    for (String o : m.options()) {
      if (o.equals("rw") || o.equals("ro") || o.startsWith("upperdir=") || o.startsWith("workdir=")) {
        continue;
      }
      if (o.startsWith("lowerdir=")) {
        lowers = List.of(o.substring("lowerdir=".length()).split(":"));
      }
      options.add(o);
    }
    if (m.type().equals("overlay") && lowers.size() == 1) {
      return Mount.bind(Path.of(lowers.get(0)), m.target(), true);
    }
    options.add("ro");
    return new Mount(m.type(), m.source(), m.target(), options);
  }
}
