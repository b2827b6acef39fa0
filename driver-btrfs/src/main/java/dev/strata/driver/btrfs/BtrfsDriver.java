package dev.strata.driver.btrfs;

import dev.strata.driver.DiskUsage;
import dev.strata.driver.LayerRecords;
import dev.strata.driver.LayerTable;
import dev.strata.archive.ApplyOptions;
import dev.strata.archive.ApplyResult;
import dev.strata.archive.DeletingWhiteouts;
import dev.strata.archive.LayerApplier;
import dev.strata.driver.Capability;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.Mount;
import dev.strata.driver.MountReferences;
import dev.strata.driver.Usage;
import dev.strata.driver.error.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A subvolume per layer in {@code subvolumes/<id>}: a base layer is a new subvolume, a child a
 * snapshot of its parent, an image layer read-only once its tar is applied. A view is the subvolume
 * itself, so mounting only counts references. One lock guards the layer table and mount counts;
 * the long part of a create (applying the tar) runs outside it with the id reserved in the {@link
 * LayerTable}, which also keeps the parent from being removed.
 */
final class BtrfsDriver implements GraphDriver {

  private static final System.Logger LOG = System.getLogger(BtrfsDriver.class.getName());

  /**
   * A snapshot costs the same at any depth, so depth is bounded only to keep stacks sane: 500
   * matches the other drivers and is far beyond the 127 layers images are held to.
   */
  static final int MAX_DEPTH = 500;

  private final BtrfsHome home;
  private final LayerSubvolumes subvolumes;
  private final Qgroups qgroups;
  private final DiskUsage diskUsage;
  private final boolean root;
  private final MountReferences refs = new MountReferences();

  private final Object lock = new Object();
  private final LayerTable table;
  private boolean closed;

  BtrfsDriver(BtrfsHome home, LayerSubvolumes subvolumes, Qgroups qgroups, LayerRecords records,
      DiskUsage diskUsage, boolean root) throws IOException {
    this.home = home;
    this.subvolumes = subvolumes;
    this.qgroups = qgroups;
    this.diskUsage = diskUsage;
    this.root = root;
    this.table = new LayerTable("btrfs", home.root(), MAX_DEPTH, records.readAll());
  }

  @Override
  public String name() {
    return BtrfsDriverProvider.NAME;
  }

  @Override
  public Path home() {
    return home.root();
  }

  /** Qgroup and device-node calls need {@code CAP_SYS_ADMIN} and {@code CAP_MKNOD}. */
  @Override
  public Set<Capability> capabilities() {
    checkOpen();
    Set<Capability> caps = EnumSet.of(Capability.COPY_ON_WRITE, Capability.READ_ONLY_VIEWS);
    if (root) {
      caps.add(Capability.DEVICE_NODES);
      caps.add(Capability.QUOTA);
    }
    return Set.copyOf(caps);
  }

  @Override
  public Map<String, String> status() {
    checkOpen();
    Map<String, String> status = new LinkedHashMap<>();
    status.put("backing filesystem", "btrfs");
    status.put("copy", "subvolume snapshot");
    synchronized (lock) {
      checkOpen();
      status.put("layers", Integer.toString(table.ids().size()));
    }
    status.put("quota", root ? "qgroups (size=)" : "unavailable without root");
    return status;
  }

  @Override
  public int maxDepth() {
    return MAX_DEPTH;
  }

  @Override
  public ApplyResult createReadOnly(LayerId id, Optional<LayerId> parent, InputStream layerTar)
      throws IOException {
    ApplyOptions options = root ? ApplyOptions.privileged() : ApplyOptions.unprivileged();
    LayerApplier applier = new LayerApplier(options, new DeletingWhiteouts());
    return create(reserve(id, parent, false), OptionalLong.empty(),
        staging -> applier.apply(layerTar, staging));
  }

  @Override
  public void createWritable(LayerId id, Optional<LayerId> parent, Map<String, String> storageOptions)
      throws IOException {
    checkOpen();
    OptionalLong quota = StorageOptions.quota(id, storageOptions, root);
    create(reserve(id, parent, true), quota, staging -> null);
  }

  private LayerInfo reserve(LayerId id, Optional<LayerId> parent, boolean writable)
      throws IOException {
    synchronized (lock) {
      checkOpen();
      return table.reserve(id, parent, writable);
    }
  }

  /** Builds a reserved layer; the reservation ends either way, as a layer or as nothing. */
  private <T> T create(LayerInfo info, OptionalLong quota, LayerSubvolumes.Fill<T> fill)
      throws IOException {
    return table.build(info, lock, i -> subvolumes.build(i, quota, fill));
  }

  @Override
  public void remove(LayerId id) throws IOException {
    Path away;
    synchronized (lock) {
      checkOpen();
      table.checkRemovable(id, refs.count(id));
      away = subvolumes.remove(id);
      table.forget(id);
    }
    try {
      subvolumes.discard(away);
    } catch (IOException e) {
      // Safe: the layer is gone from the table and from subvolumes/; trash/ is swept on the next open.
      LOG.log(System.Logger.Level.WARNING, "could not destroy removed layer " + id + " at " + away
          + "; it will be destroyed when the driver next opens", e);
    }
  }

  @Override
  public boolean exists(LayerId id) {
    synchronized (lock) {
      checkOpen();
      return table.contains(id);
    }
  }

  @Override
  public LayerInfo info(LayerId id) throws IOException {
    synchronized (lock) {
      return require(id);
    }
  }

  @Override
  public Set<LayerId> layers() {
    synchronized (lock) {
      checkOpen();
      return table.ids();
    }
  }

  /** A bind mount of the subvolume, read-only for an image layer. */
  @Override
  public List<Mount> mounts(LayerId id, Path target) throws IOException {
    synchronized (lock) {
      LayerInfo info = require(id);
      List<String> options = info.writable() ? List.of("bind") : List.of("bind", "ro");
      return List.of(new Mount("bind", home.layerDir(id).toString(), target, options));
    }
  }

  /** The subvolume is the view; an image layer's is read-only by the subvolume's own flag. */
  @Override
  public Path mount(LayerId id) throws IOException {
    synchronized (lock) {
      require(id);
      refs.acquire(id, () -> { });
      return home.layerDir(id);
    }
  }

  @Override
  public void unmount(LayerId id) throws IOException {
    synchronized (lock) {
      require(id);
      refs.release(id, () -> { });
    }
  }

  @Override
  public int mountCount(LayerId id) {
    synchronized (lock) {
      checkOpen();
      return refs.count(id);
    }
  }

  /**
   * Inodes by walking the subvolume; bytes from its qgroup's exclusive count when quotas are on
   * (what the layer alone holds, shared snapshot extents excluded), else {@code st_blocks} as
   * {@code du} counts them.
   */
  @Override
  public Usage usage(LayerId id) throws IOException {
    synchronized (lock) {
      require(id);
    }
    Path dir = home.layerDir(id);
    try {
      Usage walked = diskUsage.of(dir);
      OptionalLong exclusive = qgroups.exclusiveBytes(dir);
      return exclusive.isPresent() ? new Usage(exclusive.getAsLong(), walked.inodes()) : walked;
    } catch (NoSuchFileException e) {
      throw new NotFoundException(id.value(), "layer " + id + " was removed while its usage was measured", e);
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
  }

  /** Caller holds {@link #lock}. */
  private LayerInfo require(LayerId id) throws NotFoundException {
    checkOpen();
    return table.require(id);
  }

  private void checkOpen() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("btrfs driver on " + home.root() + " is closed");
      }
    }
  }
}
