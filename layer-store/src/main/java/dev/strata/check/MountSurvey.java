package dev.strata.check;

import dev.strata.layer.LayerAudit.StoredWriteLayer;
import dev.strata.volume.Volume;
import java.nio.file.Path;
import java.util.List;

/**
 * Decides whether a mount found under the root is accounted for: a view or a mount inside the
 * root filesystem of a container whose persisted count says it is mounted, a container's private
 * tmpfs, or a volume's own filesystem while the volume has outstanding mounts. Anything else is a
 * leak: no count will ever take it down.
 */
final class MountSurvey {

  private final Path root;
  private final Path driverHome;
  private final List<StoredWriteLayer> writeLayers;
  private final List<Volume> volumes;

  MountSurvey(Path root, Path driverHome, List<StoredWriteLayer> writeLayers, List<Volume> volumes) {
    this.root = root;
    this.driverHome = driverHome;
    this.writeLayers = writeLayers;
    this.volumes = volumes;
  }

  boolean accountedFor(Path point) {
    if (point.startsWith(driverHome)) {
      // Drivers name a view's directories after the layer's id (vfs mnt/<id>, overlay2 <id>/merged).
      Path inside = driverHome.relativize(point);
      for (StoredWriteLayer w : writeLayers) {
        if (w.mountCount() > 0 && contains(inside, w.writeLayer().mountId())) {
          return true;
        }
      }
      return false;
    }
    Path containers = root.resolve("containers");
    if (point.startsWith(containers) && point.getNameCount() > containers.getNameCount()) {
      String name = point.getName(containers.getNameCount()).toString();
      return writeLayers.stream().anyMatch(w -> w.mountCount() > 0 && w.writeLayer().container().equals(name));
    }
    Path volumeDir = root.resolve("volumes");
    if (point.startsWith(volumeDir) && point.getNameCount() > volumeDir.getNameCount()) {
      String name = point.getName(volumeDir.getNameCount()).toString();
      return volumes.stream().anyMatch(v -> v.name().equals(name) && !v.mounts().isEmpty());
    }
    return false;
  }

  /** True when a container whose rootfs is a real mount has no mount of it in {@code before}. */
  boolean viewMissing(StoredWriteLayer w, List<Path> before) {
    for (Path p : before) {
      if (p.startsWith(driverHome) && contains(driverHome.relativize(p), w.writeLayer().mountId())) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(Path relative, String segment) {
    for (Path part : relative) {
      if (part.toString().equals(segment)) {
        return true;
      }
    }
    return false;
  }
}
