package dev.strata.driver.overlay2;

import dev.strata.driver.LayerId;
import dev.strata.driver.Usage;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.ProjectQuotas;
import dev.strata.posix.LockFile;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The quota side of writable layers: their storage options checked against what the home
 * supports, a fresh xfs project id for each layer with a limit, and the limit lifted when the
 * layer goes. Ids come from a counter in the home under {@code flock}, so processes sharing the
 * home never hand out one id twice; never below the highest id a layer recorded when this one
 * opened (a home from before the counter, or one that lost it). Thread-safe.
 */
final class LayerQuotas {

  private static final System.Logger LOG = System.getLogger(LayerQuotas.class.getName());

  /** A new layer's project and the limits it gets. */
  record Quota(int projectId, StorageOptions.Limits limits) {}

  private final ProjectQuotas.Support support;
  private final Path counter;
  private final int recordedAtOpen;

  /**
   * @param counter the file holding the last id handed out
   * @param recordedAtOpen the highest project id the home's layers recorded
   */
  LayerQuotas(ProjectQuotas.Support support, Path counter, int recordedAtOpen) {
    this.support = support;
    this.counter = counter;
    this.recordedAtOpen = recordedAtOpen;
  }

  /**
   * Refuses what {@link #forNewLayer} would refuse, without taking a project id.
   *
   * @throws InvalidArgumentException for a malformed value
   * @throws UnsupportedException for an unknown option, or a limit where quotas cannot be had
   */
  void check(LayerId id, Map<String, String> options) throws InvalidArgumentException, UnsupportedException {
    limits(id, options);
  }

  private Optional<StorageOptions.Limits> limits(LayerId id, Map<String, String> options)
      throws InvalidArgumentException, UnsupportedException {
    Optional<String> unsupported = support.quotas().isPresent() ? Optional.empty() : Optional.of(support.reason());
    return StorageOptions.limits(id, options, unsupported);
  }

  /**
   * The quota {@code options} ask for, with a project id of its own; empty without {@code size=}
   * or {@code inodes=}.
   *
   * @throws InvalidArgumentException for a malformed value
   * @throws UnsupportedException for an unknown option, or a limit where quotas cannot be had
   */
  Optional<Quota> forNewLayer(LayerId id, Map<String, String> options) throws IOException {
    Optional<StorageOptions.Limits> limits = limits(id, options);
    if (limits.isEmpty()) {
      return Optional.empty();
    }
    // The lock is per open file, so it orders this process's threads as it does other processes.
    try (LockFile ids = LockFile.locked(counter, true)) {
      long next = Math.max(ids.readCounter(), recordedAtOpen) + 1;
      ids.writeCounter(next);
      return Optional.of(new Quota(Math.toIntExact(next), limits.get()));
    }
  }

  /** Puts a new layer's still empty directory in its project and sets the project's limits. */
  void apply(Quota quota, Path layerDir) throws PosixException {
    ProjectQuotas q = support.quotas().orElseThrow();
    q.assign(layerDir, quota.projectId());
    q.limit(quota.projectId(), quota.limits().bytes(), quota.limits().inodes());
  }

  /**
   * What the kernel counts in project {@code projectId}: a layer given a limit is measured as its
   * limit is enforced. Empty where quotas cannot be read here.
   */
  Optional<Usage> usage(int projectId) throws PosixException {
    if (support.quotas().isEmpty()) {
      return Optional.empty();
    }
    long[] counted = support.quotas().get().usage(projectId);
    return Optional.of(new Usage(counted[0], counted[1]));
  }

  /** Lifts the limits of project {@code projectId}, whose layer {@code id} is gone or never was. */
  void lift(LayerId id, int projectId) {
    if (support.quotas().isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "removed layer " + id + " had xfs project " + projectId
          + ", whose limit cannot be lifted here (" + support.reason() + "); a layer given that id"
          + " later sets its own limits");
      return;
    }
    try {
      support.quotas().get().clear(projectId);
    } catch (IOException e) {
      // Safe: no layer uses the project any more, and a layer given its id later sets new limits.
      LOG.log(System.Logger.Level.WARNING, "could not lift the quota of xfs project " + projectId
          + " (layer " + id + ")", e);
    }
  }
}
