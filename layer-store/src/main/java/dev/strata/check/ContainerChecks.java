package dev.strata.check;

import dev.strata.layer.LayerAudit.StoredWriteLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Container records against write layers, and write layers against the driver. */
final class ContainerChecks {

  private ContainerChecks() {}

  static List<Finding> findings(StoreState state) {
    List<Finding> findings = new ArrayList<>();
    Set<String> containers = state.containers();
    for (String name : state.records()) {
      if (!containers.contains(name)) {
        findings.add(Finding.of(FindingKind.CONTAINER_WITHOUT_WRITE_LAYER, name, "container " + name
            + " has a record but no write layer (an interrupted rm); --repair drops the record and its"
            + " volume references"));
      }
    }
    Set<String> records = state.recordSet();
    for (StoredWriteLayer w : state.writeLayers()) {
      String name = w.writeLayer().container();
      if (!records.contains(name)) {
        findings.add(Finding.of(FindingKind.WRITE_LAYER_WITHOUT_RECORD, name, "container " + name
            + " has a write layer but no record (an interrupted create); inspect it with `strata diff "
            + name + "` and remove it with `strata rm " + name + "`"));
      }
      if (!w.dataPresent()) {
        findings.add(Finding.of(FindingKind.MISSING_LAYER_DATA, name, "the driver has no write or init layer"
            + " for container " + name + " (" + w.writeLayer().mountId() + "); remove it with `strata rm "
            + name + "`"));
      }
    }
    return findings;
  }
}
