package dev.strata.check;

import java.util.List;

/**
 * What {@link StoreCheck#run} found, what it repaired, and what holds the store's bytes.
 *
 * @param repairRequested whether the run was asked to repair
 * @param verifiedLayers layers whose content was re-hashed against their DiffID
 */
public record CheckReport(List<Finding> findings, Retention retention, boolean repairRequested, int verifiedLayers) {

  public CheckReport {
    findings = List.copyOf(findings);
  }

  /** Findings left as found. */
  public List<Finding> remaining() {
    return findings.stream().filter(f -> !f.isRepaired()).toList();
  }

  /** True when nothing is wrong (any more): no finding, or every finding repaired. */
  public boolean consistent() {
    return remaining().isEmpty();
  }

  /** True when a remaining finding means content is missing or changed. */
  public boolean dataLoss() {
    return remaining().stream().anyMatch(f -> f.kind().dataLoss());
  }
}
