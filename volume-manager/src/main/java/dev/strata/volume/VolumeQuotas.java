package dev.strata.volume;

import dev.strata.driver.ByteSizes;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.ProjectQuotas;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code size=} on local volumes, as Docker does it: a project of its own per volume on xfs with
 * project quotas, set on the volume's directory before {@code _data} exists so everything below
 * inherits it.
 */
final class VolumeQuotas {

  private final ProjectQuotas.Support support;
  private final VolumeFiles files;

  VolumeQuotas(ProjectQuotas.Support support, VolumeFiles files) {
    this.support = support;
    this.files = files;
  }

  /**
   * Refuses {@code size=} where it cannot be enforced. Docker fails only at the first mount;
   * refusing at create leaves no volume whose limit is not enforced.
   */
  void check(Map<String, String> options) throws UnsupportedException {
    if (options.containsKey(LocalOptions.SIZE) && support.quotas().isEmpty()) {
      throw new UnsupportedException(LocalOptions.SIZE, "quota size requested but no quota support: "
          + support.reason());
    }
  }

  /** Puts a new volume's (empty) directory in a project of its own, limited as {@code options} say. */
  void limit(Path volumeDir, Map<String, String> options) throws IOException {
    if (!options.containsKey(LocalOptions.SIZE)) {
      return;
    }
    long bytes = ByteSizes.parse(LocalOptions.SIZE, options.get(LocalOptions.SIZE));
    ProjectQuotas q = support.quotas().orElseThrow();
    int id = q.baseId();
    for (String name : files.names()) {
      id = Math.max(id, q.projectId(files.volume(name)));
    }
    q.assign(volumeDir, id + 1);
    q.limit(id + 1, bytes, 0);
  }

  /** The project of a volume about to be removed, 0 when it has none. */
  int project(Volume volume) throws IOException {
    return volume.options().containsKey(LocalOptions.SIZE) && support.quotas().isPresent()
        ? support.quotas().get().projectId(files.volume(volume.name())) : 0;
  }

  /** Lifts the limits of a removed volume's project. */
  void lift(int project) throws IOException {
    if (project != 0) {
      support.quotas().orElseThrow().clear(project);
    }
  }
}
