package dev.strata.volume;

import java.util.List;

/**
 * What {@code prune} removed.
 *
 * @param deleted names of the removed volumes
 * @param reclaimedBytes disk space they held, measured before removal
 */
public record PruneReport(List<String> deleted, long reclaimedBytes) {

  public PruneReport {
    deleted = List.copyOf(deleted);
  }
}
