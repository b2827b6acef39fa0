package dev.strata.container;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.volume.MountSpec;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;

/** The references a container holds on its volumes: taken at create, dropped at removal. */
final class ContainerVolumes {

  private static final System.Logger LOG = System.getLogger(ContainerVolumes.class.getName());

  private final VolumeStore volumes;

  ContainerVolumes(VolumeStore volumes) {
    this.volumes = volumes;
  }

  /**
   * The volume {@code spec} names (created when missing; anonymous ones get a random name), with a
   * reference for {@code container}; returns the spec with the volume's name filled in.
   */
  MountSpec take(String container, MountSpec spec) throws IOException {
    // Created and referenced in one step: a prune in between would delete the volume.
    // A named volume without options or labels is used as it is, whatever it was created with.
    Volume volume = !spec.anonymous() && spec.options().isEmpty() && spec.labels().isEmpty()
        ? volumes.obtain(spec.source().orElseThrow(), container)
        : volumes.create(new VolumeSpec(spec.source(), VolumeStore.LOCAL, spec.options(), spec.labels()), container);
    return new MountSpec(spec.type(), Optional.of(volume.name()), spec.target(), spec.readOnly(), spec.relabel(),
        spec.propagation(), spec.copy(), spec.createSource(), spec.options(), spec.labels(), spec.subpath());
  }

  /** Drops {@code container}'s references; {@code removeAnonymous} also removes its anonymous volumes. */
  void release(String container, List<MountSpec> specs, boolean removeAnonymous) throws IOException {
    for (MountSpec spec : specs) {
      if (spec.type() != MountSpec.Type.VOLUME || spec.source().isEmpty()) {
        continue;
      }
      String volume = spec.source().get();
      volumes.release(volume, container);
      Optional<Volume> found = volumes.find(volume);
      if (removeAnonymous && found.isPresent() && found.get().anonymous()) {
        try {
          volumes.remove(volume, true);
        } catch (FailedPreconditionException e) {
          // Docker ignores "in use" here: another container still holds the volume.
          LOG.log(Level.INFO, "keeping anonymous volume {0}: {1}", volume, e.getMessage());
        }
      }
    }
  }
}
