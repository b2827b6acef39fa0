package dev.strata.container;

import dev.strata.volume.MountSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A container's mounts as a runtime spec lists them: the filesystems every Linux container gets
 * ({@code runc spec}'s {@code /proc}, {@code /dev}, {@code /dev/pts}, {@code /dev/shm}, {@code
 * /dev/mqueue}, {@code /sys}, {@code /sys/fs/cgroup}), then the container's volumes, binds and
 * tmpfs, parents before children.
 *
 * <p>Volumes and binds are binds of their host source ({@code _data} of a volume), recursive and
 * {@code rprivate} unless the mount asked otherwise, as Docker gives them; a tmpfs is a fresh
 * tmpfs per runtime container with the spec's size and mode.
 */
final class OciMounts {

  private static final List<OciMount> DEFAULTS = List.of(
      new OciMount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
      new OciMount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
      new OciMount("/dev/pts", "devpts", "devpts",
          List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
      new OciMount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
      new OciMount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
      new OciMount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
      new OciMount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro")));

  private static final Set<MountSpec.Propagation> SHARED =
      Set.of(MountSpec.Propagation.SHARED, MountSpec.Propagation.RSHARED);
  private static final Set<MountSpec.Propagation> SLAVE =
      Set.of(MountSpec.Propagation.SLAVE, MountSpec.Propagation.RSLAVE);

  private final VolumeStore volumes;

  OciMounts(VolumeStore volumes) {
    this.volumes = volumes;
  }

  /**
   * The mounts of {@code container}: defaults the container does not mount over itself, then its
   * own; sorted by depth (stable), so a parent is always mounted before what lands inside it.
   */
  List<OciMount> of(Container container) throws IOException {
    List<OciMount> own = new ArrayList<>();
    for (MountSpec spec : container.mounts()) {
      own.add(of(spec));
    }
    List<OciMount> all = new ArrayList<>();
    for (OciMount d : DEFAULTS) {
      // A container's own mount at or above a default replaces it, as Docker lets -v /dev/shm do.
      if (own.stream().noneMatch(m -> m.destination().equals(d.destination())
          || d.destination().startsWith(m.destination() + "/"))) {
        all.add(d);
      }
    }
    all.addAll(own);
    all.sort(Comparator.comparingInt(OciMount::depth));
    return List.copyOf(all);
  }

  /**
   * The propagation the rootfs needs for the container's binds: a shared bind needs a shared root,
   * a slave bind at least a slave one (runc refuses the mount otherwise); empty for the runtime's
   * default ({@code rprivate}).
   */
  static Optional<String> rootfsPropagation(Container container) {
    List<MountSpec.Propagation> used = container.mounts().stream()
        .flatMap(m -> m.propagation().stream()).toList();
    if (used.stream().anyMatch(SHARED::contains)) {
      return Optional.of("rshared");
    }
    if (used.stream().anyMatch(SLAVE::contains)) {
      return Optional.of("rslave");
    }
    return Optional.empty();
  }

  private OciMount of(MountSpec spec) throws IOException {
    return switch (spec.type()) {
      case VOLUME -> {
        Path data = volumes.get(spec.source().orElseThrow(() ->
            new IllegalStateException("volume mount without a name: " + spec))).mountpoint();
        yield bind(spec, ContainerMounts.volumeSource(spec, data.toAbsolutePath()));
      }
      case BIND -> bind(spec, Path.of(spec.source().orElseThrow()));
      case TMPFS -> new OciMount(spec.target(), "tmpfs", "tmpfs", ContainerMounts.tmpfsOptions(spec));
    };
  }

  private static OciMount bind(MountSpec spec, Path source) {
    List<String> options = new ArrayList<>(ContainerMounts.bindOptions(spec));
    if (spec.propagation().isEmpty()) {
      options.add(MountSpec.Propagation.RPRIVATE.option());
    }
    return new OciMount(spec.target(), "bind", source.toString(), options);
  }
}
