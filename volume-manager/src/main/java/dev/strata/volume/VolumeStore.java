package dev.strata.volume;

import dev.strata.driver.DiskUsage;
import dev.strata.driver.Mounter;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.FileTrees;
import dev.strata.files.MountTable;
import dev.strata.files.ProjectQuotas;
import dev.strata.files.StoreLock;
import dev.strata.files.StoreUsers;
import dev.strata.posix.Ioctls;
import dev.strata.posix.LockFile;
import dev.strata.posix.Quotas;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The volumes of one Strata root, kept under {@code <root>/volumes} as Docker's local driver keeps
 * them. A volume never loses data and is never removed while a container references it or a mount
 * is outstanding.
 *
 * <p>Two counts guard a volume, as in Docker: <em>references</em> (container ids; taken when a
 * container is created with the volume, dropped when it is removed) stop {@link #remove}; <em>mounts
 * </em> (one id per {@link #mount}) keep a volume's own filesystem mounted on {@code _data}. Both
 * are sets, persisted in {@code state.json}: taking an id twice counts once, dropping an unknown id
 * does nothing, so neither can underflow, and both survive a restart.
 *
 * <pre>{@code
 * try (VolumeStore volumes = VolumeStore.open(root)) {
 *   volumes.create(new VolumeSpec(Optional.of("pgdata"), LOCAL, Map.of(), Map.of("app", "db")));
 *   volumes.acquire("pgdata", containerId);          // container created
 *   Path data = volumes.mount("pgdata", containerId); // container started: bind data into it
 *   volumes.populate("pgdata", imageDirAtTarget);     // first use: copy the image's directory
 *   volumes.unmount("pgdata", containerId);
 *   volumes.release("pgdata", containerId);           // container removed
 * }
 * }</pre>
 *
 * Changes are serialised across threads and processes; every file is written atomically; a
 * volume is created in a staging directory and renamed into place, removed by renaming it aside
 * first, and what a crash leaves is swept by {@link #open}.
 */
public final class VolumeStore implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(VolumeStore.class.getName());
  /** The only driver built in. */
  public static final String LOCAL = "local";

  private final VolumeFiles files;
  private final StoreLock lock;
  private final StoreUsers users;
  private final FilesystemMounts filesystems;
  private final MountTable mountTable;
  private final Populator populator;
  private final DiskUsage usage;
  private final VolumeQuotas quotas;
  private final VolumeSizes sizes;
  private final SecureRandom random;
  private final Clock clock;
  private volatile boolean closed;

  VolumeStore(VolumeFiles files, FilesystemMounts filesystems, MountTable mountTable, Populator populator,
      DiskUsage usage, ProjectQuotas.Support quotas, SecureRandom random, Clock clock) throws IOException {
    this.files = files;
    this.lock = StoreLock.at(files.dir().resolve(".lock"));
    this.users = StoreUsers.join(files.dir().resolve(".users"));
    this.filesystems = filesystems;
    this.mountTable = mountTable;
    this.populator = populator;
    this.usage = usage;
    this.quotas = new VolumeQuotas(quotas, files);
    this.sizes = new VolumeSizes(files, new ContentBytes(), clock);
    this.random = random;
    this.clock = clock;
  }

  /** Opens the volumes of the Strata root {@code root}, mounting with {@code mount(2)}. */
  public static VolumeStore open(Path root) throws IOException {
    return open(root, Mounter.system());
  }

  /**
   * Opens the volumes of {@code root}: creates {@code volumes/} (0701), sweeps half-created and
   * half-removed volumes, deletes half copies of an interrupted populate, and brings each volume's
   * own filesystem in line with its outstanding mounts (mounted again after a reboot, unmounted
   * when a crash left it mounted with no mount outstanding).
   */
  public static VolumeStore open(Path root, Mounter mounter) throws IOException {
    VolumeFiles files = VolumeFiles.open(root.resolve("volumes"));
    MountTable table = MountTable.self();
    VolumeStore store = new VolumeStore(files, new FilesystemMounts(mounter, table, Wiring.loops()), table,
        new Populator(Wiring.copier(files.dir())), new DiskUsage(),
        ProjectQuotas.probe(files.dir().toRealPath(), table, new Ioctls(), new Quotas()), new SecureRandom(),
        Clock.systemUTC());
    try {
      // What looks half-created may be another process's create in flight unless this one is alone.
      store.users.whenAlone(() -> {
        try (StoreLock.Hold held = store.lock.exclusive()) {
          new VolumeRecovery(files, table, store.filesystems, store.populator).run(store::get);
        }
      });
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * Creates a volume, or returns the existing one of that name when its options and labels are
   * the same.
   *
   * @throws InvalidArgumentException for a bad name, driver or option
   * @throws UnsupportedException for a {@code size} where the filesystem has no project quotas
   * @throws AlreadyExistsException when a volume of that name exists with other options or labels
   */
  public Volume create(VolumeSpec spec) throws IOException {
    checkOpen();
    String driver = spec.driver();
    if (!LOCAL.equals(driver)) {
      throw new InvalidArgumentException(driver, "unknown volume driver '" + driver + "': only 'local' is built in");
    }
    Map<String, String> options = spec.options();
    LocalOptions.validate(options);
    quotas.check(options);
    Map<String, String> allLabels = new TreeMap<>(spec.labels());
    String chosen;
    if (spec.name().isPresent()) {
      VolumeNames.check(spec.name().get());
      chosen = spec.name().get();
    } else {
      chosen = HexFormat.of().formatHex(bytes(32));
      allLabels.put(Volume.ANONYMOUS_LABEL, "");
    }
    try (StoreLock.Hold held = lock.exclusive()) {
      Optional<Volume> existing = find(chosen);
      if (existing.isPresent()) {
        Volume v = existing.get();
        if (!v.options().equals(new TreeMap<>(options)) || !v.labels().equals(allLabels)) {
          throw new AlreadyExistsException(chosen, "volume " + chosen + " already exists with other options "
              + v.printableOptions() + " or labels " + v.labels() + "; remove it first or use it as it is");
        }
        return v;
      }
      Path staging = files.stage();
      try {
        quotas.limit(staging, options);
        VolumeFiles.createData(staging); // after the project id: _data and all below inherit it
        files.writeOptions(staging, options);
        files.writeMeta(staging, new VolumeFiles.Meta(chosen, LOCAL, clock.instant().toString(), allLabels));
        files.writeState(staging, VolumeState.empty());
        files.publish(staging, chosen);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        FileTrees.delete(staging);
        throw new AlreadyExistsException(chosen, "volume " + chosen + " was created meanwhile by another process", e);
      } catch (IOException | RuntimeException e) {
        FileTrees.delete(staging);
        throw e;
      }
      LOG.log(System.Logger.Level.DEBUG, "created volume {0}", chosen);
      return get(chosen);
    }
  }

  /**
   * {@link #create(VolumeSpec)} and {@link #acquire} for container {@code ref} in one step, so that
   * a prune running meanwhile cannot take the new volume before the container holds it (Docker's
   * {@code CreateWithRef}).
   */
  public Volume create(VolumeSpec spec, String ref) throws IOException {
    checkOpen();
    checkId(ref);
    try (StoreLock.Hold held = lock.exclusive()) {
      Volume v = create(spec);
      acquire(v.name(), ref);
      return get(v.name());
    }
  }

  /**
   * {@link #obtain} and {@link #acquire} for container {@code ref} in one step; see {@link
   * #create(VolumeSpec, String)}.
   */
  public Volume obtain(String name, String ref) throws IOException {
    checkOpen();
    checkId(ref);
    try (StoreLock.Hold held = lock.exclusive()) {
      obtain(name);
      acquire(name, ref);
      return get(name);
    }
  }

  /**
   * The volume {@code name}, created without options if missing: what {@code -v name:/dst} does.
   * An existing volume is returned whatever its options.
   */
  public Volume obtain(String name) throws IOException {
    checkOpen();
    VolumeNames.check(name);
    try (StoreLock.Hold held = lock.exclusive()) {
      Optional<Volume> existing = find(name);
      return existing.isPresent()
          ? existing.get()
          : create(new VolumeSpec(Optional.of(name), LOCAL, Map.of(), Map.of()));
    }
  }

  /**
   * The volume {@code name}.
   *
   * @throws NotFoundException if there is none
   */
  public Volume get(String name) throws IOException {
    return find(name).orElseThrow(() -> new NotFoundException(name, "no such volume: " + name
        + " (see `strata volume ls`)"));
  }

  /** The volume {@code name}, if there is one; an invalid name finds nothing. */
  public Optional<Volume> find(String name) throws IOException {
    checkOpen();
    if (!VolumeNames.valid(name)) {
      return Optional.empty();
    }
    // Under the lock: a remove running meanwhile would otherwise take files away mid-read.
    try (StoreLock.Hold held = lock.reading()) {
      if (!files.exists(name)) {
        return Optional.empty();
      }
      VolumeFiles.Meta meta = files.meta(name);
      VolumeState state = files.state(name);
      Instant created = Instant.parse(meta.createdAt());
      return Optional.of(new Volume(name, meta.driver(), files.data(name), created, meta.labels(),
          files.options(name), state.references(), state.mounts()));
    }
  }

  /** The volumes {@code filter} matches, by name. */
  public List<Volume> list(VolumeFilter filter) throws IOException {
    checkOpen();
    List<Volume> found = new ArrayList<>();
    try (StoreLock.Hold held = lock.reading()) {
      for (String name : files.names()) {
        Optional<Volume> v = find(name);
        if (v.isPresent() && filter.matches(v.get())) {
          found.add(v.get());
        }
      }
    }
    return found;
  }

  /**
   * Removes a volume and its data.
   *
   * @param force a missing volume is not an error (the volume must still be unused)
   * @throws NotFoundException if there is no such volume and not {@code force}
   * @throws FailedPreconditionException {@code volume is in use - [ids]} while containers reference
   *     it; also while it is mounted, or when its {@code _data} resolves outside the volumes
   *     directory
   */
  public void remove(String name, boolean force) throws IOException {
    checkOpen();
    if (force && find(name).isEmpty()) {
      // Nothing to do, and no exclusive hold either: that would move the store's generation and
      // make every other process reload for a change that did not happen.
      return;
    }
    try (StoreLock.Hold held = lock.exclusive()) {
      Optional<Volume> found = find(name);
      if (found.isEmpty()) {
        if (force) {
          return;
        }
        VolumeNames.check(name);
        throw new NotFoundException(name, "no such volume: " + name);
      }
      Volume volume = found.get();
      if (!volume.references().isEmpty()) {
        throw new FailedPreconditionException(name, "remove " + name + ": volume is in use - "
            + volume.references().stream().toList());
      }
      if (!volume.mounts().isEmpty()) {
        throw new FailedPreconditionException(name, "remove " + name + ": volume has active mounts "
            + volume.mounts().stream().toList());
      }
      Path data = files.data(name);
      if (volume.mountsFilesystem() && filesystems.mounted(data)) {
        filesystems.unmount(data); // left by a crash: nothing holds it
      }
      List<Path> inside = mountTable.mountPointsUnder(files.volume(name));
      if (!inside.isEmpty()) {
        throw new FailedPreconditionException(name, "remove " + name + ": " + inside
            + " is mounted inside the volume; unmount it first");
      }
      checkInside(name, data);
      int project = quotas.project(volume);
      Path trash = files.discard(name);
      FileTrees.delete(trash);
      quotas.lift(project);
      LOG.log(System.Logger.Level.DEBUG, "removed volume {0}", name);
    }
  }

  /**
   * Removes unused volumes that {@code filter} selects: no references, no outstanding mounts, no
   * driver options (a volume over nfs, tmpfs or a device holds data elsewhere and is never pruned,
   * as in Docker). One prune runs at a time per root.
   *
   * @throws FailedPreconditionException when another prune is running
   */
  public PruneReport prune(PruneFilter filter) throws IOException {
    checkOpen();
    try (LockFile pruning = LockFile.open(files.dir().resolve(".prune.lock"))) {
      if (!pruning.tryLock(true)) {
        throw new FailedPreconditionException("prune", "a prune operation is already running");
      }
      List<String> deleted = new ArrayList<>();
      long reclaimed = 0;
      for (Volume v : list(VolumeFilter.all())) {
        if (!v.references().isEmpty() || !v.mounts().isEmpty() || !v.options().isEmpty() || !filter.matches(v)) {
          continue;
        }
        try {
          long bytes = reclaimable(v);
          remove(v.name(), false);
          deleted.add(v.name());
          reclaimed += bytes;
        } catch (FailedPreconditionException | NotFoundException e) {
          // Taken by a container (or removed) between the listing and now: not ours to prune.
          LOG.log(System.Logger.Level.INFO, "prune skips volume {0}: {1}", v.name(), e.getMessage());
        }
      }
      return new PruneReport(deleted, reclaimed);
    }
  }

  /**
   * What removing {@code v} frees. A {@code _data} deleted by hand, or taken away while it is
   * measured (the volume removed by another caller, whose own remove then wins), holds nothing and
   * must not stop the prune of the others.
   */
  private long reclaimable(Volume v) throws IOException {
    try {
      return Files.exists(v.mountpoint(), LinkOption.NOFOLLOW_LINKS) ? usage.of(v.mountpoint()).bytes() : 0;
    } catch (NoSuchFileException gone) {
      return 0;
    }
  }

  /**
   * Records that container {@code ref} uses the volume; taking the same reference twice counts once.
   *
   * @throws NotFoundException if there is no such volume
   */
  public void acquire(String name, String ref) throws IOException {
    checkOpen();
    checkId(ref);
    try (StoreLock.Hold held = lock.exclusive()) {
      get(name);
      files.writeState(files.volume(name), files.state(name).withReference(ref, true));
    }
  }

  /** Drops container {@code ref}'s reference; false when it held none (or the volume is gone). */
  public boolean release(String name, String ref) throws IOException {
    checkOpen();
    try (StoreLock.Hold held = lock.exclusive()) {
      if (find(name).isEmpty()) {
        return false;
      }
      VolumeState state = files.state(name);
      if (!state.references().contains(ref)) {
        return false;
      }
      files.writeState(files.volume(name), state.withReference(ref, false));
      return true;
    }
  }

  /**
   * Mounts the volume for {@code mountId} and returns its {@code _data}: the first outstanding mount
   * of a volume with its own filesystem ({@code type}/{@code device}) performs that mount.
   *
   * @throws NotFoundException if there is no such volume
   */
  public Path mount(String name, String mountId) throws IOException {
    checkOpen();
    checkId(mountId);
    try (StoreLock.Hold held = lock.exclusive()) {
      Volume volume = get(name);
      Path data = files.data(name);
      if (volume.mountsFilesystem() && !filesystems.mounted(data)) {
        filesystems.mount(name, volume.options(), data);
      }
      // After the mount: a crash in between leaves a mount with no id, which open() unmounts.
      files.writeState(files.volume(name), files.state(name).withMount(mountId, true));
      return data;
    }
  }

  /**
   * Ends mount {@code mountId}; the last one unmounts the volume's own filesystem. An unknown id is
   * ignored (false), so the count never goes below zero.
   */
  public boolean unmount(String name, String mountId) throws IOException {
    checkOpen();
    try (StoreLock.Hold held = lock.exclusive()) {
      Optional<Volume> volume = find(name);
      if (volume.isEmpty() || !volume.get().mounts().contains(mountId)) {
        return false;
      }
      VolumeState state = files.state(name).withMount(mountId, false);
      files.writeState(files.volume(name), state);
      Path data = files.data(name);
      if (state.mounts().isEmpty() && volume.get().mountsFilesystem() && filesystems.mounted(data)) {
        filesystems.unmount(data);
      }
      if (state.mounts().isEmpty()) {
        sizes.recount(name);
      }
      return true;
    }
  }

  /**
   * Copies {@code source} (an image's directory at the mount's target) into the volume if it was
   * never populated and is empty: entries with owner, mode, times and xattrs, and the directory's
   * own owner and mode. The volume must be mounted. See {@link Populator} for the crash rules.
   *
   * @return true when this call copied
   */
  public boolean populate(String name, Path source) throws IOException {
    checkOpen();
    try (StoreLock.Hold held = lock.exclusive()) {
      Volume volume = get(name);
      if (volume.mountsFilesystem() && volume.mounts().isEmpty()) {
        throw new FailedPreconditionException(name, "volume " + name + " is not mounted; mount it before populating");
      }
      return populator.populate(files.data(name), source, new PopulateProgress(files, name));
    }
  }

  /** Disk space the volume's data takes (blocks allocated, hardlinks once). */
  public long size(String name) throws IOException {
    Path data = get(name).mountpoint();
    return Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS) ? usage.of(data).bytes() : 0;
  }

  /**
   * The content bytes of the volume's data (regular files' sizes, hardlinks once: what a layer's
   * recorded size measures) as counted when its last mount ended, without walking it again. A volume
   * never counted is counted now and the figure kept. While a volume is mounted its data may change
   * unseen, so the figure is the one from before that mount until the mount ends. A volume with a
   * filesystem of its own ({@code type}/{@code device}) counts what lies in {@code _data} when that
   * filesystem is not mounted, normally nothing: its data lives elsewhere.
   *
   * @throws NotFoundException if there is no such volume
   */
  public long contentSize(String name) throws IOException {
    checkOpen();
    // A reading hold is still exclusive, so no mount begins or ends while a first count runs; the
    // count changes no record other processes cache, so it need not raise the generation.
    try (StoreLock.Hold held = lock.reading()) {
      get(name);
      long cached = sizes.cached(name);
      return cached >= 0 ? cached : sizes.count(name);
    }
  }

  /** The directory holding the volumes ({@code <root>/volumes}). */
  public Path directory() {
    return files.dir();
  }

  @Override
  public void close() {
    closed = true;
    users.close();
    lock.close();
  }

  /** Docker's guard: never delete through a {@code _data} that points outside the volumes directory. */
  private void checkInside(String name, Path data) throws IOException {
    if (!Files.exists(data, LinkOption.NOFOLLOW_LINKS)) {
      return; // deleted by hand: removing the rest is still right
    }
    Path root = files.dir().toRealPath();
    Path real = data.toRealPath();
    if (!real.startsWith(root) || real.equals(root)) {
      throw new FailedPreconditionException(name, "remove " + name + ": its _data resolves to " + real
          + ", outside " + root + "; not removing");
    }
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static void checkId(String id) throws InvalidArgumentException {
    if (id == null || id.isEmpty() || id.length() > 256 || !id.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new InvalidArgumentException(String.valueOf(id), "reference id '" + id
          + "' must be 1 to 256 printable ASCII characters without spaces");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("volume store is closed");
    }
  }
}
