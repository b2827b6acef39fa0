package dev.strata.container;

import dev.strata.driver.error.UnsupportedException;
import dev.strata.volume.McsPair;
import dev.strata.volume.MountSpec;
import dev.strata.volume.Relabeler;
import dev.strata.volume.SelinuxLabel;
import dev.strata.volume.SelinuxMountLabels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code :z} and {@code :Z} on a container's mount: the source tree gets the shared label or the
 * container's private one before it is bound in. Like Docker, a filesystem without xattrs
 * ({@code ENOTSUP}) is mounted unlabelled, with a log line.
 */
final class MountLabeler implements ContainerMounts.Labeler {

  private static final System.Logger LOG = System.getLogger(MountLabeler.class.getName());

  private final Relabeler relabeler;
  private final SelinuxMountLabels labels;

  MountLabeler(Relabeler relabeler, SelinuxMountLabels labels) {
    this.relabeler = relabeler;
    this.labels = labels;
  }

  @Override
  public void relabel(Path source, MountSpec.Relabel relabel, Optional<String> mountLabel) throws IOException {
    if (relabel == MountSpec.Relabel.NONE) {
      return;
    }
    SelinuxLabel label = relabel == MountSpec.Relabel.SHARED
        ? labels.shared()
        : labels.privateTo(McsPair.parse(mountLabel.orElseThrow(() ->
            new IllegalStateException("a :Z mount on a container without a private label"))));
    try {
      relabeler.relabel(source, label);
    } catch (UnsupportedException e) {
      LOG.log(System.Logger.Level.WARNING, "not relabelling {0}: {1}", source, e.getMessage());
    }
  }
}
