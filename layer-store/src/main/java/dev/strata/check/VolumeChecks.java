package dev.strata.check;

import dev.strata.volume.Volume;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Volumes against containers: references by containers that do not exist, and mounts by
 * containers that are not mounted (a container's volumes are mounted only while it is).
 */
final class VolumeChecks {

  private VolumeChecks() {}

  static List<Finding> findings(StoreState state) {
    List<Finding> findings = new ArrayList<>();
    Set<String> containers = state.containers();
    Map<String, Integer> counts = new HashMap<>();
    state.writeLayers().forEach(w -> counts.put(w.writeLayer().container(), w.mountCount()));
    for (Volume v : state.volumes()) {
      for (String ref : v.references()) {
        if (!containers.contains(ref)) {
          findings.add(Finding.of(FindingKind.VOLUME_REFERENCE_TO_MISSING_CONTAINER, v.name() + "/" + ref,
              "volume " + v.name() + " is referenced by container " + ref + ", which does not exist;"
                  + " --repair drops the reference"));
        }
      }
      for (String id : v.mounts()) {
        if (counts.getOrDefault(id, 0) == 0) {
          findings.add(Finding.of(FindingKind.STALE_MOUNT_COUNT, v.name() + "/" + id, "volume " + v.name()
              + " counts a mount by " + id + ", which is not a mounted container; --repair drops it"));
        }
      }
    }
    return findings;
  }
}
