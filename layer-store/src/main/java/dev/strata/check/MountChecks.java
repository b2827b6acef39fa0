package dev.strata.check;

import dev.strata.layer.LayerAudit.StoredWriteLayer;
import dev.strata.layer.LayerAudit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount table (as read before any store opened) against the persisted counts: mounts nothing
 * counts, and, where views are real mounts, containers counted as mounted with no view.
 */
final class MountChecks {

  private MountChecks() {}

  static List<Finding> findings(Path root, LayerAudit audit, List<Path> before, StoreState state) {
    List<Finding> findings = new ArrayList<>();
    MountSurvey survey = new MountSurvey(root, audit.driverHome(), state.writeLayers(), state.volumes());
    for (Path point : before) {
      if (!survey.accountedFor(point)) {
        findings.add(Finding.of(FindingKind.LEAKED_MOUNT, point.toString(),
            "mounted under the root, but no container or volume counts it, so nothing will unmount it;"
                + " --repair unmounts it"));
      }
    }
    if (audit.realMounts()) {
      for (StoredWriteLayer w : state.writeLayers()) {
        if (w.mountCount() > 0 && survey.viewMissing(w, before)) {
          findings.add(Finding.of(FindingKind.STALE_MOUNT_COUNT, w.writeLayer().container(),
              "container " + w.writeLayer().container() + " is counted as mounted " + w.mountCount()
                  + " time(s), but its root filesystem was not mounted; --repair drops the count"));
        }
      }
    }
    return findings;
  }
}
