package dev.strata.container;

import dev.strata.volume.McsPair;
import dev.strata.volume.McsPairs;
import dev.strata.volume.MountSpec;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The private MCS pairs of {@code :Z} mounts: one per container, never two alike. */
final class PrivateLabels {

  private final ContainerFiles files;
  private final McsPairs mcs;
  /** Chosen by a create still running in this store, not yet in its record. */
  private final Set<McsPair> reserved = new HashSet<>();

  PrivateLabels(ContainerFiles files, McsPairs mcs) {
    this.files = files;
    this.mcs = mcs;
  }

  static boolean needed(List<MountSpec> specs) {
    return specs.stream().anyMatch(s -> s.relabel() == MountSpec.Relabel.PRIVATE);
  }

  /**
   * A pair no container holds: neither a recorded one nor one a concurrent create in this store
   * chose and has not yet written (its record holds it from then on). {@link #release} it once the
   * record is written or the create failed.
   */
  McsPair reserve() throws IOException {
    synchronized (reserved) {
      Set<McsPair> inUse = recorded();
      inUse.addAll(reserved);
      McsPair pair = mcs.allocate(inUse);
      reserved.add(pair);
      return pair;
    }
  }

  void release(McsPair pair) {
    synchronized (reserved) {
      reserved.remove(pair);
    }
  }

  private Set<McsPair> recorded() throws IOException {
    Set<McsPair> inUse = new HashSet<>();
    for (String name : files.names()) {
      if (ContainerStore.valid(name)) {
        Optional<Container> c = files.read(name);
        if (c.isPresent() && c.get().mountLabel().isPresent()) {
          inUse.add(McsPair.parse(c.get().mountLabel().get()));
        }
      }
    }
    return inUse;
  }
}
