package dev.strata.volume;

import java.util.Objects;
import java.util.Optional;

/**
 * The label a mount's source gets for its {@link MountSpec.Relabel} mode, from one configured file
 * label ({@link SelinuxLabel#CONTAINER_FILE} unless the policy names another type).
 *
 * <pre>{@code
 * SelinuxMountLabels labels = new SelinuxMountLabels(SelinuxLabel.CONTAINER_FILE);
 * McsPair pair = pairs.allocate(pairsOfRunningContainers);
 * labels.forMount(MountSpec.Relabel.PRIVATE, pair)  // system_u:object_r:container_file_t:s0:c4,c917
 * labels.forMount(MountSpec.Relabel.SHARED, pair)   // system_u:object_r:container_file_t:s0
 * }</pre>
 */
public final class SelinuxMountLabels {

  private final SelinuxLabel fileLabel;

  /** @param fileLabel the policy's container file label; its level is replaced per mount */
  public SelinuxMountLabels(SelinuxLabel fileLabel) {
    this.fileLabel = Objects.requireNonNull(fileLabel, "fileLabel");
  }

  /** {@code z}: level {@code s0}, usable by every container (go-selinux {@code Relabel(shared=true)}). */
  public SelinuxLabel shared() {
    return fileLabel.withLevel(McsPairs.SHARED);
  }

  /** {@code Z}: the container's own pair, so no other container can use the content. */
  public SelinuxLabel privateTo(McsPair pair) {
    return fileLabel.withLevel(pair.level());
  }

  /** The label to relabel with, or empty for {@link MountSpec.Relabel#NONE}. */
  public Optional<SelinuxLabel> forMount(MountSpec.Relabel relabel, McsPair containerPair) {
    return switch (relabel) {
      case NONE -> Optional.empty();
      case SHARED -> Optional.of(shared());
      case PRIVATE -> Optional.of(privateTo(containerPair));
    };
  }
}
