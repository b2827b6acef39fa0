package dev.strata.container;

import dev.strata.driver.Mount;
import dev.strata.driver.Mounter;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.StorageException;
import dev.strata.files.MountTable;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.layer.InitHook;
import dev.strata.layer.LayerStore;
import dev.strata.layer.WriteLayer;
import dev.strata.layer.WriteLayers;
import dev.strata.volume.McsPair;
import dev.strata.volume.McsPairs;
import dev.strata.volume.MountSpec;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The containers of a root: each a write layer among the {@link LayerStore}'s {@link WriteLayers}
 * (which own the files), a {@link Container} record (which image, which mounts), and references on
 * the volumes it uses.
 *
 * <pre>{@code
 * Container c = containers.create(Optional.of("web"), "nginx:1.27",
 *     List.of(MountSpec.parseVolume("pgdata:/var/lib/data"), MountSpec.parseTmpfs("/run")));
 * Path rootfs = containers.mount(c);   // rootfs, then each volume, bind and tmpfs inside it
 * containers.unmount(c);               // all of it, in reverse
 * containers.remove(c, false, true);   // drops its volume references, deletes its anonymous volumes
 * }</pre>
 *
 * The write layer is created after the record and removed before it: it is what makes a container
 * exist, so a crash can leave only a record without a write layer, which opening the root sweeps.
 * Volume references are taken before the record is written and dropped after it is removed: a
 * crash can leave a volume referenced by a container that is gone, never a container using a
 * volume that {@code volume rm} could delete; opening the root drops such references.
 *
 * <p>Thread-safe: operations on one container (create, mount, unmount, remove) run one at a time
 * under a lock of its name, so that counting mounts and mounting volumes happen together; different
 * containers proceed in parallel, and the layer and volume stores keep shared layers and volumes
 * consistent. The lock is this object's: two stores, or two processes, opened on the same root do
 * not exclude each other's operations on one container.
 */
public final class ContainerStore {

  private static final System.Logger LOG = System.getLogger(ContainerStore.class.getName());
  /** Docker's rule for container names; checked before a name touches a path. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{1,127}");

  private final WriteLayers writeLayers;
  private final ImageStore images;
  private final VolumeStore volumes;
  private final ContainerFiles files;
  private final ContainerNames names;
  private final ContainerMounts mounts;
  private final Clock clock;
  private final PrivateLabels labels;
  private final ContainerVolumes volumeRefs;
  private final ContainerLocks locks;

  ContainerStore(WriteLayers writeLayers, ImageStore images, VolumeStore volumes, ContainerFiles files,
      ContainerNames names, ContainerMounts mounts, McsPairs mcs, Clock clock, ContainerLocks locks) {
    this.locks = locks;
    this.writeLayers = writeLayers;
    this.images = images;
    this.volumes = volumes;
    this.files = files;
    this.names = names;
    this.mounts = mounts;
    this.labels = new PrivateLabels(files, mcs);
    this.volumeRefs = new ContainerVolumes(volumes);
    this.clock = clock;
  }

  /**
   * Opens {@code <root>/containers}. When no other process has the root open, sweeps what a crash
   * left and mounts again the volumes, binds and tmpfs of every container the layer store still
   * counts as mounted (a driver drops them when it sweeps its home on open).
   */
  public static ContainerStore open(Path root, LayerStore layers, ImageStore images, VolumeStore volumes,
      Mounter mounter) throws IOException {
    Path dir = Files.createDirectories(root.resolve("containers"));
    ContainerFiles files = new ContainerFiles(dir);
    SecureRandom random = new SecureRandom();
    ContainerMounts mounts = new ContainerMounts(volumes, mounter, MountTable.self(), Labeling.labeler());
    ContainerStore store = new ContainerStore(layers.writeLayers(), images, volumes, files, new ContainerNames(random),
        mounts, new McsPairs(random), Clock.systemUTC(), new ContainerLocks(root.resolve("locks").resolve("containers")));
    // A record without a write layer may be another process's create in flight unless this one is alone.
    layers.whenAlone(() -> {
      files.sweep();
      store.recover();
    });
    return store;
  }

  /**
   * Creates a container on the image {@code imageRef} names: a write layer on its top layer, with
   * Docker's init layer beneath, and references on the volumes its mounts name (created when
   * missing; anonymous ones get a random name).
   *
   * @param name the container's name, or empty to generate one
   * @param specs its mounts, as {@link MountSpec} parsed them
   * @throws InvalidArgumentException if the name breaks Docker's rule or two mounts share a
   *     destination
   * @throws AlreadyExistsException if the name is taken
   * @throws NotFoundException if no image is called {@code imageRef}
   * @throws FailedPreconditionException if a {@code --mount} bind source does not exist
   */
  public Container create(Optional<String> name, String imageRef, List<MountSpec> specs) throws IOException {
    return create(name, imageRef, specs, Map.of());
  }

  /**
   * As {@link #create(Optional, String, List)}, with options for the driver's write layer: Docker's
   * {@code --storage-opt}, such as {@code size=50M} (overlay2 on xfs with project quotas, btrfs).
   *
   * @throws dev.strata.driver.error.UnsupportedException if the driver knows no such option, or
   *     cannot enforce it on this home (the reason says why); nothing is created then
   */
  public Container create(Optional<String> name, String imageRef, List<MountSpec> specs,
      Map<String, String> storageOptions) throws IOException {
    Map<String, String> options = Map.copyOf(storageOptions);
    if (name.isPresent()) {
      check(name.get());
    }
    MountSpec.checkDestinations(specs);
    for (MountSpec spec : specs) {
      if (spec.type() == MountSpec.Type.BIND && !spec.createSource() && !Files.exists(Path.of(spec.source().orElseThrow()))) {
        throw new FailedPreconditionException(spec.source().get(), "bind source path does not exist: "
            + spec.source().get());
      }
    }
    Image image = images.get(imageRef);
    String chosen = name.isPresent() ? name.get() : generateName();
    return locks.with(chosen, () -> create(chosen, image, imageRef, specs, options));
  }

  private Container create(String chosen, Image image, String imageRef, List<MountSpec> specs,
      Map<String, String> storageOptions) throws IOException {
    if (files.read(chosen).isPresent() || writeLayers.get(chosen).isPresent()) {
      throw new AlreadyExistsException(chosen, "a container named '" + chosen + "' already exists; pick another --name");
    }
    Optional<McsPair> pair = PrivateLabels.needed(specs) ? Optional.of(labels.reserve()) : Optional.empty();
    Optional<String> label = pair.map(McsPair::level);
    List<MountSpec> named = new ArrayList<>();
    boolean recorded = false;
    try {
      for (MountSpec spec : specs) {
        named.add(spec.type() == MountSpec.Type.VOLUME ? volumeRefs.take(chosen, spec) : spec);
      }
      Container record = new Container(chosen, Optional.of(image.id()), imageRef, clock.instant(), named, label);
      files.write(record);
      recorded = true;
      // Last: the write layer is what makes the container exist, so a crash before it leaves a
      // record and references that the next open sweeps, never a container without a record.
      writeLayers.create(chosen, image.top(), InitHook.dockerLike(), storageOptions);
      // An rmi in another process may have deleted the image meanwhile: it saw no container yet. Once
      // the write layer exists any rmi sees it, so the image is either still here now, or goes back.
      if (images.find(image.id().toString()).isEmpty()) {
        writeLayers.remove(chosen);
        throw new NotFoundException(imageRef, "image " + imageRef + " was removed while container " + chosen
            + " was being created; the container was not created");
      }
      return record;
    } catch (IOException | RuntimeException e) {
      try {
        if (recorded) {
          files.delete(chosen);
        }
        volumeRefs.release(chosen, named, true);
      } catch (IOException | RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    } finally {
      pair.ifPresent(labels::release);
    }
  }

  /** Creates a container without mounts of its own. */
  public Container create(Optional<String> name, String imageRef) throws IOException {
    return create(name, imageRef, List.of());
  }

  /**
   * The container called {@code name}.
   *
   * @throws InvalidArgumentException if the name breaks Docker's rule
   * @throws NotFoundException if there is no such container
   */
  public Container get(String name) throws IOException {
    check(name);
    if (writeLayers.get(name).isEmpty()) {
      throw new NotFoundException(name, "no such container: " + name + " (see `strata ps`)");
    }
    return files.read(name).orElseGet(() -> new Container(name, Optional.empty(), "", Instant.EPOCH));
  }

  /** The write layer under a container that {@link #get} found. */
  public WriteLayer writeLayer(Container container) throws IOException {
    return writeLayers.get(container.name()).orElseThrow(() ->
        new NotFoundException(container.name(), "no such container: " + container.name()));
  }

  /** Every container, by name. */
  public List<Container> list() throws IOException {
    List<Container> all = new ArrayList<>();
    for (WriteLayer w : writeLayers.list()) {
      try {
        all.add(get(w.container()));
      } catch (NotFoundException removed) {
        // Another process removed it after the listing.
      }
    }
    all.sort((a, b) -> a.name().compareTo(b.name()));
    return all;
  }

  /**
   * Mounts the container's root filesystem and, on its first mount, each of its volumes, binds and
   * tmpfs inside it (populating empty volumes from the image, relabelling {@code :z}/{@code :Z}
   * sources). The layer store persists the count, so the mount outlives this process until a
   * matching {@link #unmount}.
   */
  public Path mount(Container container) throws IOException {
    return locks.with(container.name(), () -> mountLocked(container));
  }

  private Path mountLocked(Container container) throws IOException {
    WriteLayerSizes.forget(files.directory(container.name()));
    Path rootfs = writeLayers.mount(container.name());
    if (writeLayers.mountCount(container.name()) == 1 && !container.mounts().isEmpty()) {
      try {
        mounts.mount(container, rootfs, files.directory(container.name()));
      } catch (IOException | RuntimeException e) {
        try {
          writeLayers.unmount(container.name());
        } catch (IOException | RuntimeException undo) {
          e.addSuppressed(undo);
        }
        throw e;
      }
    }
    return rootfs;
  }

  /**
   * The mounts {@link #mount} performs inside the container's root filesystem, as data, for a
   * runtime that mounts in its own namespace: bind sources are volumes' {@code _data} (a volume
   * with a filesystem of its own must be mounted first with {@link VolumeStore#mount}), host paths
   * and tmpfs, targets resolved inside {@code rootfs}.
   */
  public List<Mount> mounts(Container container, Path rootfs) throws IOException {
    return mounts.describe(container, rootfs);
  }

  /**
   * Content bytes the container has written (its diff against its image), as {@code strata system
   * df} shows them. A mounted container's layer is counted on each call (it may be changing); an
   * unmounted one's is counted once and kept until its next mount.
   *
   * @throws dev.strata.driver.error.NotFoundException if the container is gone
   */
  public long writeLayerSize(Container container) throws IOException {
    return locks.with(container.name(), () -> {
      Path dir = files.directory(container.name());
      if (writeLayers.mountCount(container.name()) > 0) {
        return writeLayers.size(container.name());
      }
      OptionalLong kept = WriteLayerSizes.read(dir);
      if (kept.isPresent()) {
        return kept.getAsLong();
      }
      long bytes = writeLayers.size(container.name());
      WriteLayerSizes.write(dir, bytes);
      return bytes;
    });
  }

  /** Outstanding mounts of the container's root filesystem. */
  public int mountCount(Container container) throws IOException {
    return writeLayers.mountCount(container.name());
  }

  /**
   * Drops one outstanding mount; the last takes the container's volumes, binds and tmpfs down, then
   * its root filesystem.
   *
   * @throws FailedPreconditionException if the container is not mounted
   */
  public void unmount(Container container) throws IOException {
    locks.with(container.name(), () -> {
      unmountLocked(container);
      return null;
    });
  }

  private void unmountLocked(Container container) throws IOException {
    if (writeLayers.mountCount(container.name()) == 1 && !container.mounts().isEmpty()) {
      Path rootfs = writeLayers.mount(container.name()); // the path only: counted again just below
      writeLayers.unmount(container.name());
      mounts.unmount(container, rootfs, files.directory(container.name()));
    }
    writeLayers.unmount(container.name());
  }

  /**
   * Removes the container's write layer and record, and drops its volume references.
   *
   * @param force unmount a mounted container first
   * @param removeVolumes also remove its anonymous volumes (Docker's {@code rm -v}); one still used
   *     by another container is kept
   * @throws FailedPreconditionException if it is mounted and not forced
   */
  public void remove(Container container, boolean force, boolean removeVolumes) throws IOException {
    locks.with(container.name(), () -> {
      removeLocked(container, force, removeVolumes);
      return null;
    });
  }

  private void removeLocked(Container container, boolean force, boolean removeVolumes) throws IOException {
    int count = writeLayers.get(container.name()).isPresent() ? writeLayers.mountCount(container.name()) : 0;
    if (count > 0 && !force) {
      throw new FailedPreconditionException(container.name(), "container " + container.name() + " is mounted "
          + count + " time(s); `strata umount " + container.name() + "` first, or rm -f");
    }
    for (int i = 0; i < count; i++) {
      unmountLocked(container);
    }
    writeLayers.remove(container.name());
    files.delete(container.name());
    volumeRefs.release(container.name(), container.mounts(), removeVolumes);
    locks.forget(container.name());
  }

  /**
   * Names that have a record under {@code <root>/containers}, read without opening (and so without
   * sweeping) anything: {@code strata check} compares them with the write layers.
   */
  public static List<String> recordNames(Path root) throws IOException {
    Path dir = root.resolve("containers");
    return Files.isDirectory(dir) ? new ContainerFiles(dir).names() : List.of();
  }

  /** True when the container exists (the name is valid and has a write layer). */
  public boolean exists(String name) throws IOException {
    return NAME.matcher(name).matches() && writeLayers.get(name).isPresent();
  }

  private void recover() throws IOException {
    for (String name : files.names()) {
      if (!NAME.matcher(name).matches()) {
        continue;
      }
      if (writeLayers.get(name).isEmpty()) {
        LOG.log(Level.INFO, "removing the record of container {0}: its write layer is gone (interrupted rm)", name);
        Optional<Container> record = files.read(name);
        files.delete(name);
        if (record.isPresent()) {
          volumeRefs.release(name, record.get().mounts(), false);
        }
        continue;
      }
      Container container = get(name);
      if (writeLayers.mountCount(name) > 0 && !container.mounts().isEmpty()) {
        Path rootfs = writeLayers.mount(name);
        try {
          mounts.mount(container, rootfs, files.directory(name));
        } catch (StorageException e) {
          LOG.log(Level.WARNING, "cannot mount the volumes of container {0} again: {1}", name, e.getMessage());
        } finally {
          writeLayers.unmount(name);
        }
      }
    }
    // A create killed before its record was written, or an rm killed after it was deleted, leaves
    // references by a container with neither record nor write layer: nothing would release them.
    List<String> recorded = files.names();
    for (Volume v : volumes.list(VolumeFilter.all())) {
      for (String ref : v.references()) {
        if (NAME.matcher(ref).matches() && !recorded.contains(ref) && writeLayers.get(ref).isEmpty()) {
          LOG.log(Level.INFO, "dropping the reference of missing container {0} on volume {1} (interrupted create"
              + " or rm)", ref, v.name());
          volumes.release(v.name(), ref);
        }
      }
    }
  }

  private String generateName() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      String candidate = names.next();
      if (!exists(candidate) && files.read(candidate).isEmpty()) {
        return candidate;
      }
    }
    throw new AlreadyExistsException("name", "could not find a free container name; pass --name");
  }

  /** True when {@code name} follows Docker's rule for container names. */
  static boolean valid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  static void check(String name) throws InvalidArgumentException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidArgumentException(String.valueOf(name), "invalid container name '" + name
          + "': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, 2 to 128 characters");
    }
  }
}
