package dev.strata.driver.vfs;

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
import dev.strata.driver.Usage;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.CopyMethod;
import dev.strata.files.TreeCopy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
  private final LayerFiles files;
  private final ViewMounts views;
  private final DiskUsage diskUsage;
  private final boolean root;

  private final Object lock = new Object();
  private final LayerTable table;
  private boolean closed;

  VfsDriver(VfsHome home, TreeCopy copier, LayerRecords records,
      ViewMounts views, DiskUsage diskUsage, boolean root) throws IOException {
    this.home = home;
    this.copyMethod = copier.method();
    this.files = new LayerFiles(home, copier, records);
    this.views = views;
    this.diskUsage = diskUsage;
    this.root = root;
    this.table = new LayerTable("vfs", home.root(), MAX_DEPTH, records.readAll());
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
    ApplyOptions options = root ? ApplyOptions.privileged() : ApplyOptions.unprivileged();
    LayerApplier applier = new LayerApplier(options, new DeletingWhiteouts());
    return create(reserve(id, parent, false), staging -> applier.apply(layerTar, staging));
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
    create(reserve(id, parent, true), staging -> null);
  }

  private LayerInfo reserve(LayerId id, Optional<LayerId> parent, boolean writable)
      throws IOException {
    synchronized (lock) {
      checkOpen();
      return table.reserve(id, parent, writable);
    }
  }

  /** Builds a reserved layer; the reservation ends either way, as a layer or as nothing. */
  private <T> T create(LayerInfo info, LayerFiles.Fill<T> fill) throws IOException {
    return table.build(info, lock, i -> files.build(i, fill));
  }

  @Override
  public void remove(LayerId id) throws IOException {
    Path away;
    synchronized (lock) {
      checkOpen();
      table.checkRemovable(id, views.count(id));
      away = files.remove(id);
      table.forget(id);
    }
    try {
      files.delete(away);
    } catch (IOException e) {
      // Safe: the layer is gone from the table and from dir/; trash/ is swept on the next open.
      LOG.log(System.Logger.Level.WARNING, "could not delete removed layer " + id + " at " + away
          + "; it will be deleted when the driver next opens", e);
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
