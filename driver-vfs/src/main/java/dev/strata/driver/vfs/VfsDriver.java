package dev.strata.driver.vfs;

import dev.strata.archive.ApplyOptions;
import dev.strata.archive.ApplyResult;
import dev.strata.archive.DeletingWhiteouts;
import dev.strata.archive.LayerApplier;
import dev.strata.driver.Capability;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.Mount;
import dev.strata.driver.Usage;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Every layer a full copy of its parent in {@code dir/<id>}. One lock guards the layer table and
 * mount counts; the long part of a create (copying the parent, applying the tar) runs outside it
 * with the id reserved in the {@link LayerTable}, which also keeps the parent from being removed.
 */
final class VfsDriver implements GraphDriver {

  private static final System.Logger LOG = System.getLogger(VfsDriver.class.getName());

  /**
   * Each vfs layer stands alone on disk, so depth costs only the copy; 500 matches the deepest
   * stack overlay can mount and is far beyond the 127 layers images are held to.
   */
  static final int MAX_DEPTH = 500;

  private final VfsHome home;
  private final CopyMethod copyMethod;
  private final TreeCopier copier;
  private final LayerRecords records;
  private final ViewMounts views;
  private final DiskUsage diskUsage;
  private final boolean root;

  private final Object lock = new Object();
  private final LayerTable table;
  private boolean closed;

  VfsDriver(VfsHome home, CopyMethod copyMethod, TreeCopier copier, LayerRecords records,
      ViewMounts views, DiskUsage diskUsage, boolean root) throws IOException {
    this.home = home;
    this.copyMethod = copyMethod;
    this.copier = copier;
    this.records = records;
    this.views = views;
    this.diskUsage = diskUsage;
    this.root = root;
    this.table = new LayerTable(home.root(), MAX_DEPTH, records.readAll());
  }

  @Override
  public String name() {
    return VfsDriverProvider.NAME;
  }

  @Override
  public Path home() {
    return home.root();
  }

  @Override
  public Set<Capability> capabilities() {
    checkOpen();
    Set<Capability> caps = EnumSet.noneOf(Capability.class);
    if (copyMethod == CopyMethod.REFLINK) {
      caps.add(Capability.COPY_ON_WRITE);
    }
    if (root) {
      caps.add(Capability.DEVICE_NODES);
    }
    if (views.bind()) {
      caps.add(Capability.REAL_MOUNTS);
      caps.add(Capability.READ_ONLY_VIEWS);
    }
    return Set.copyOf(caps);
  }

  @Override
  public Map<String, String> status() {
    checkOpen();
    Map<String, String> status = new LinkedHashMap<>();
    String fs;
    try {
      fs = Files.getFileStore(home.root()).type();
    } catch (IOException e) {
      fs = "unknown (" + e.getMessage() + ")";
    }
    status.put("backing filesystem", fs);
    status.put("copy", copyMethod.label());
    synchronized (lock) {
      checkOpen();
      status.put("layers", Integer.toString(table.ids().size()));
    }
    status.put("bind mounts", Boolean.toString(views.bind()));
    return status;
  }

  @Override
  public int maxDepth() {
    return MAX_DEPTH;
  }

  @Override
  public ApplyResult createReadOnly(LayerId id, Optional<LayerId> parent, InputStream layerTar)
      throws IOException {
    LayerInfo info = reserve(id, parent, false);
    Path staging = home.staging().resolve(id.value());
    try {
      populate(info, staging);
      ApplyOptions options = root ? ApplyOptions.privileged() : ApplyOptions.unprivileged();
      ApplyResult result = new LayerApplier(options, new DeletingWhiteouts()).apply(layerTar, staging);
      publish(info, staging);
      return result;
    } catch (IOException | RuntimeException | Error e) {
      abandon(info, staging, e);
      throw e;
    }
  }

  @Override
  public void createWritable(LayerId id, Optional<LayerId> parent, Map<String, String> storageOptions)
      throws IOException {
    checkOpen();
    for (String option : storageOptions.keySet()) {
      String what = option.equals("size") ? "quota option " : "storage option ";
      throw new UnsupportedException(option, "vfs does not support " + what + option
          + " (layer " + id + "); use a driver with quota support or drop the option");
    }
    LayerInfo info = reserve(id, parent, true);
    Path staging = home.staging().resolve(id.value());
    try {
      populate(info, staging);
      publish(info, staging);
    } catch (IOException | RuntimeException | Error e) {
      abandon(info, staging, e);
      throw e;
    }
  }

  private LayerInfo reserve(LayerId id, Optional<LayerId> parent, boolean writable)
      throws IOException {
    synchronized (lock) {
      checkOpen();
      return table.reserve(id, parent, writable);
    }
  }

  /** Fills {@code staging} with the parent's tree, or an empty 0755 root for a base layer. */
  private void populate(LayerInfo info, Path staging) throws IOException {
    TreeDeleter.delete(staging);
    if (info.parent().isPresent()) {
      copier.copy(home.layerDir(info.parent().get()), staging);
    } else {
      Files.createDirectory(staging);
      Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /** Renames the tree into place, then writes the record: a tree without a record is swept on open. */
  private void publish(LayerInfo info, Path staging) throws IOException {
    Path dir = home.layerDir(info.id());
    Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    try {
      records.write(info);
    } catch (IOException e) {
      discard(info.id(), dir, e);
      throw e;
    }
    synchronized (lock) {
      table.publish(info);
    }
  }

  private void abandon(LayerInfo info, Path staging, Throwable failure) {
    try {
      TreeDeleter.delete(staging);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    synchronized (lock) {
      table.release(info.id());
    }
  }

  @Override
  public void remove(LayerId id) throws IOException {
    Path away;
    synchronized (lock) {
      LayerInfo info = require(id);
      int mounts = views.count(id);
      if (mounts > 0) {
        throw new FailedPreconditionException(id.value(), "layer " + id + " is mounted (" + mounts
            + " references); unmount it before removing it");
      }
      Optional<LayerId> child = table.childOf(id);
      if (child.isPresent()) {
        throw new FailedPreconditionException(id.value(), "layer " + id + " has child layer "
            + child.get() + "; remove " + child.get() + " first");
      }
      away = home.trash().resolve(id.value() + "-" + UUID.randomUUID());
      Files.move(home.layerDir(id), away, StandardCopyOption.ATOMIC_MOVE);
      records.delete(info.id());
      table.forget(id);
    }
    try {
      TreeDeleter.delete(away);
    } catch (IOException e) {
      // Safe: the layer is gone from the table and from dir/; trash/ is swept on the next open.
      LOG.log(System.Logger.Level.WARNING, "could not delete removed layer " + id + " at " + away
          + "; it will be deleted when the driver next opens", e);
    }
  }

  private void discard(LayerId id, Path dir, Throwable failure) {
    try {
      Path away = home.trash().resolve(id.value() + "-" + UUID.randomUUID());
      Files.move(dir, away, StandardCopyOption.ATOMIC_MOVE);
      TreeDeleter.delete(away);
    } catch (IOException e) {
      failure.addSuppressed(e);
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

  @Override
  public List<Mount> mounts(LayerId id, Path target) throws IOException {
    synchronized (lock) {
      return List.of(views.describe(require(id), target));
    }
  }

  @Override
  public Path mount(LayerId id) throws IOException {
    synchronized (lock) {
      return views.mount(require(id));
    }
  }

  @Override
  public void unmount(LayerId id) throws IOException {
    synchronized (lock) {
      require(id);
      views.unmount(id);
    }
  }

  @Override
  public int mountCount(LayerId id) {
    synchronized (lock) {
      checkOpen();
      return views.count(id);
    }
  }

  @Override
  public Usage usage(LayerId id) throws IOException {
    synchronized (lock) {
      require(id);
    }
    try {
      return diskUsage.of(home.layerDir(id));
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
        throw new IllegalStateException("vfs driver on " + home.root() + " is closed");
      }
    }
  }
}
