package dev.strata.container;

import dev.strata.volume.RelabelRefusals;
import dev.strata.volume.Relabeler;
import dev.strata.volume.SelinuxLabel;
import dev.strata.volume.SelinuxMountLabels;
import java.io.IOException;
import java.util.concurrent.ForkJoinPool;

/** The relabelling a {@link ContainerStore} opened on a host uses: go-selinux's refusals, {@code container_file_t}. */
final class Labeling {

  private Labeling() {}

  static ContainerMounts.Labeler labeler() throws IOException {
    Relabeler relabeler = new Relabeler(ForkJoinPool.commonPool(), RelabelRefusals.fromEnvironment());
    return new MountLabeler(relabeler, new SelinuxMountLabels(SelinuxLabel.CONTAINER_FILE));
  }
}
