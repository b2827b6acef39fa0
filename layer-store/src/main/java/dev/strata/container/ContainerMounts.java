package dev.strata.container;

import dev.strata.driver.Mount;
import dev.strata.driver.Mounter;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.files.MountTable;
import dev.strata.volume.MountSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Mounts a container's volumes, binds and tmpfs inside its mounted root filesystem, parents before
 * children (by the depth of the destination, as Docker sorts them), and takes them down in reverse.
 *
 * <p>Everything is bound in from outside the graph driver's home: a volume from its {@code _data},
 * a tmpfs from a mount of its own under {@code <root>/containers/<name>/tmpfs/}. A driver that
 * sweeps its home when opened therefore only drops binds, which {@link #mount} makes again; the
 * content of a tmpfs lives as long as the container stays mounted.
 */
final class ContainerMounts {

  /** Sets SELinux labels on a mount's source before it is bound in. */
  interface Labeler {
    void relabel(Path source, MountSpec.Relabel relabel, Optional<String> mountLabel) throws IOException;
  }

  private final VolumeStore volumes;
  private final Mounter mounter;
  private final MountTable table;
  private final Labeler labeler;

  ContainerMounts(VolumeStore volumes, Mounter mounter, MountTable table, Labeler labeler) {
    this.volumes = volumes;
    this.mounter = mounter;
    this.table = table;
    this.labeler = labeler;
  }

  /** The specs in mount order: shallow destinations first. */
  static List<MountSpec> ordered(List<MountSpec> specs) {
    List<MountSpec> sorted = new ArrayList<>(specs);
    sorted.sort(Comparator.comparingLong(m -> m.target().chars().filter(c -> c == '/').count()));
    return sorted;
  }

  /**
   * The mounts that put {@code container}'s volumes, binds and tmpfs into {@code rootfs}, as data,
   * for a runtime that mounts in its own namespace. Volumes with a filesystem of their own must be
   * mounted first ({@link VolumeStore#mount}); their {@code _data} is the bind source.
   */
  List<Mount> describe(Container container, Path rootfs) throws IOException {
    List<Mount> mounts = new ArrayList<>();
    for (MountSpec spec : ordered(container.mounts())) {
      Path target = RootfsPaths.resolve(rootfs, spec.target());
      mounts.add(switch (spec.type()) {
        case VOLUME -> bind(volumeSource(spec, volumes.get(name(spec)).mountpoint()), target, spec);
        case BIND -> bind(Path.of(spec.source().orElseThrow()), target, spec);
        case TMPFS -> new Mount("tmpfs", "tmpfs", target, tmpfsOptions(spec));
      });
    }
    return mounts;
  }

  /**
   * Mounts every spec of {@code container} into {@code rootfs}; what is already mounted is left as
   * it is, so calling again after a driver swept its binds restores them. On failure, what this
   * call mounted is taken down again.
   */
  void mount(Container container, Path rootfs, Path privateDir) throws IOException {
    List<MountSpec> specs = ordered(container.mounts());
    int done = 0;
    try {
      for (MountSpec spec : specs) {
        mountOne(container, spec, rootfs, privateDir, specs.indexOf(spec));
        done++;
      }
    } catch (IOException | RuntimeException e) {
      try {
        unmount(container, specs.subList(0, done), rootfs, privateDir);
      } catch (IOException | RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }

  /** Takes every spec of {@code container} down, children first. */
  void unmount(Container container, Path rootfs, Path privateDir) throws IOException {
    unmount(container, ordered(container.mounts()), rootfs, privateDir);
  }

  private void unmount(Container container, List<MountSpec> specs, Path rootfs, Path privateDir) throws IOException {
    IOException failure = null;
    List<MountSpec> all = ordered(container.mounts());
    for (int i = specs.size() - 1; i >= 0; i--) {
      MountSpec spec = specs.get(i);
      try {
        Path target = RootfsPaths.resolve(rootfs, spec.target());
        if (mountedAt(target)) {
          // An rbind brought the source's submounts along; they go first, deepest first.
          for (Path below : table.mountPointsUnder(target)) {
            mounter.unmount(below);
          }
          mounter.unmount(target);
        }
        if (spec.type() == MountSpec.Type.TMPFS) {
          Path tmpfs = tmpfsDir(privateDir, all.indexOf(spec));
          if (mountedAt(tmpfs)) {
            mounter.unmount(tmpfs);
          }
        } else if (spec.type() == MountSpec.Type.VOLUME) {
          volumes.unmount(name(spec), container.name());
        }
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void mountOne(Container container, MountSpec spec, Path rootfs, Path privateDir, int index)
      throws IOException {
    switch (spec.type()) {
      case VOLUME -> {
        String name = name(spec);
        Path data = volumes.mount(name, container.name());
        Path imageDir = RootfsPaths.resolve(rootfs, spec.target());
        if (Files.exists(imageDir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(imageDir, LinkOption.NOFOLLOW_LINKS)) {
          throw new InvalidArgumentException(spec.target(), "cannot mount volume over existing file, file exists "
              + spec.target());
        }
        if (spec.copy() && !mountedAt(imageDir)) {
          volumes.populate(name, imageDir);
        }
        Path source = volumeSource(spec, data);
        labeler.relabel(source, spec.relabel(), container.mountLabel());
        Path target = RootfsPaths.prepare(rootfs, spec.target(), true);
        if (!mountedAt(target)) {
          mounter.mount(bind(source, target, spec));
        }
      }
      case BIND -> {
        Path source = Path.of(spec.source().orElseThrow());
        if (!Files.exists(source)) {
          if (!spec.createSource()) {
            throw new FailedPreconditionException(source.toString(), "bind source path does not exist: " + source);
          }
          Files.createDirectories(source); // -v creates a missing host directory, as Docker does
        }
        labeler.relabel(source, spec.relabel(), container.mountLabel());
        Path target = RootfsPaths.prepare(rootfs, spec.target(), Files.isDirectory(source));
        if (!mountedAt(target)) {
          mounter.mount(bind(source, target, spec));
        }
      }
      case TMPFS -> {
        Path tmpfs = tmpfsDir(privateDir, index);
        Files.createDirectories(tmpfs);
        if (!mountedAt(tmpfs)) {
          List<String> options = new ArrayList<>(tmpfsOptions(spec));
          options.remove("ro"); // read-only on the bind below; the tmpfs itself stays writable for no one
          mounter.mount(new Mount("tmpfs", "tmpfs", tmpfs, options));
        }
        Path target = RootfsPaths.prepare(rootfs, spec.target(), true);
        if (!mountedAt(target)) {
          mounter.mount(new Mount("bind", tmpfs.toString(), target, spec.readOnly() ? List.of("bind", "ro") : List.of("bind")));
        }
      }
      default -> throw new IllegalStateException("unknown mount type " + spec.type());
    }
  }

  /**
   * A bind as Docker makes it: recursive unless {@code bind-recursive=disabled}; read-only binds
   * read-only all the way down ({@code rro}) unless {@code bind-recursive=writable}, which leaves
   * submounts writable.
   */
  private static Mount bind(Path source, Path target, MountSpec spec) {
    return new Mount("bind", source.toString(), target, bindOptions(spec));
  }

  /** The options of {@link #bind}: recursion, read-only, then the propagation when one was asked for. */
  static List<String> bindOptions(MountSpec spec) {
    String recursion = spec.options().getOrDefault("bind-recursive", "enabled");
    List<String> options = new ArrayList<>(List.of(recursion.equals("disabled") ? "bind" : "rbind"));
    if (spec.readOnly()) {
      options.add("ro");
      if (!recursion.equals("writable") && !recursion.equals("disabled")) {
        options.add("rro");
      }
    }
    spec.propagation().ifPresent(p -> options.add(p.option()));
    return options;
  }

  static List<String> tmpfsOptions(MountSpec spec) {
    List<String> options = new ArrayList<>();
    spec.options().forEach((k, v) -> options.add(v.isEmpty() ? k : k + "=" + v));
    if (spec.readOnly() && !options.contains("ro")) {
      options.add("ro");
    }
    return options;
  }

  static Path volumeSource(MountSpec spec, Path data) throws IOException {
    if (spec.subpath().isEmpty()) {
      return data;
    }
    Path source = RootfsPaths.resolve(data, spec.subpath().get());
    if (!Files.isDirectory(source)) {
      throw new InvalidArgumentException(spec.subpath().get(), "volume subpath " + spec.subpath().get()
          + " does not exist in volume " + spec.source().orElse(""));
    }
    return source;
  }

  private static String name(MountSpec spec) {
    return spec.source().orElseThrow(() -> new IllegalStateException("volume mount without a name: " + spec));
  }

  private static Path tmpfsDir(Path privateDir, int index) {
    return privateDir.resolve("tmpfs").resolve(Integer.toString(index));
  }

  private boolean mountedAt(Path path) throws IOException {
    Optional<MountTable.Entry> entry = table.holding(path);
    return entry.isPresent() && entry.get().mountPoint().equals(path.toAbsolutePath().normalize());
  }
}
