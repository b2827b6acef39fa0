package dev.strata.driver.overlay2;

import dev.strata.files.ProjectQuotas;
import dev.strata.driver.DiskUsage;
import dev.strata.driver.LayerTable;
import dev.strata.archive.ApplyOptions;
import dev.strata.archive.ApplyResult;
import dev.strata.archive.Change;
import dev.strata.archive.DeletingWhiteouts;
import dev.strata.archive.LayerApplier;
import dev.strata.driver.Capability;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.Mount;
import dev.strata.driver.Usage;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Layers as overlayfs stacks them, in Docker's overlay2 layout ({@link OverlayHome}). One lock
 * guards the layer table; the long part of a create (applying a tar) runs outside it with the id
 * reserved in the {@link LayerTable}, which also keeps the parent from being removed.
 */
final class Overlay2Driver implements GraphDriver {

  private static final System.Logger LOG = System.getLogger(Overlay2Driver.class.getName());

  private final OverlayHome home;
  private final Settings settings;
  private final LayerBuilder builder;
  private final Views views;
  private final MountPlan plan;
  private final NativeDiff nativeDiff;
  private final DiskUsage diskUsage;
  private final WhiteoutsFactory whiteoutsFactory;
  private final LayerQuotas quotas;

  /** Makes the whiteout policy for one new layer's {@code diff/}. */
  @FunctionalInterface
  interface WhiteoutsFactory {
    OverlayWhiteouts forLayer(Path diffRoot, List<Path> lowerDiffs);
  }

  private final Object lock = new Object();
  private final LayerTable table;
  private boolean closed;

  /** What the provider worked out at open: features, options, limits. */
  record Settings(OverlayFeatures features, MountOptions options, int maxDepth, boolean root,
      boolean nativeDiff, String mountMethod, ProjectQuotas.Support quota) {}

  Overlay2Driver(OverlayHome home, Settings settings, LayerBuilder builder, Views views, MountPlan plan,
      NativeDiff nativeDiff, DiskUsage diskUsage, WhiteoutsFactory whiteoutsFactory,
      Map<LayerId, LayerInfo> layers, LayerQuotas quotas) {
    this.home = home;
    this.settings = settings;
    this.builder = builder;
    this.views = views;
    this.plan = plan;
    this.nativeDiff = nativeDiff;
    this.diskUsage = diskUsage;
    this.whiteoutsFactory = whiteoutsFactory;
    this.table = new LayerTable("overlay2", home.root(), settings.maxDepth(), layers);
    this.quotas = quotas;
  }

  @Override
  public String name() {
    return Overlay2DriverProvider.NAME;
  }

  @Override
  public Path home() {
    return home.root();
  }

  @Override
  public Set<Capability> capabilities() {
    checkOpen();
    Set<Capability> caps = EnumSet.of(Capability.REAL_MOUNTS, Capability.READ_ONLY_VIEWS);
    if (settings.root()) {
      caps.add(Capability.DEVICE_NODES);
    }
    if (settings.nativeDiff()) {
      caps.add(Capability.NATIVE_DIFF);
    }
    if (settings.quota().quotas().isPresent()) {
      caps.add(Capability.QUOTA);
    }
    return Set.copyOf(caps);
  }

  @Override
  public Map<String, String> status() {
    checkOpen();
    int layers;
    synchronized (lock) {
      checkOpen();
      layers = table.ids().size();
    }
    return StatusReport.of(settings, layers);
  }

  @Override
  public int maxDepth() {
    return settings.maxDepth();
  }

  @Override
  public ApplyResult createReadOnly(LayerId id, Optional<LayerId> parent, InputStream layerTar)
      throws IOException {
    ApplyOptions options = settings.root() ? ApplyOptions.privileged() : ApplyOptions.unprivileged();
    return create(reserve(id, parent, false), diff -> {
      if (parent.isEmpty()) {
        // Below a base layer there is nothing to hide: its whiteouts only delete.
        return new LayerApplier(options, new DeletingWhiteouts()).apply(layerTar, diff);
      }
      OverlayWhiteouts whiteouts = whiteoutsFactory.forLayer(diff.toRealPath(), builder.lowerDiffs(parent.get()));
      ApplyResult result = new LayerApplier(options, whiteouts).apply(layerTar, diff);
      whiteouts.finish();
      return result;
    });
  }

  @Override
  public void createWritable(LayerId id, Optional<LayerId> parent, Map<String, String> storageOptions)
      throws IOException {
    checkOpen();
    Optional<LayerQuotas.Quota> quota = quotas.forNewLayer(id, storageOptions);
    LayerInfo info = reserve(id, parent, true);
    if (quota.isEmpty()) {
      create(info, diff -> null);
      return;
    }
    int projectId = quota.get().projectId();
    try {
      // The layer directory, not diff/: work/ must share the project, or copy-up's rename from
      // work/ into diff/ fails with EXDEV.
      create(info, OptionalInt.of(projectId), dir -> quotas.apply(quota.get(), dir), diff -> null);
    } catch (IOException | RuntimeException e) {
      quotas.lift(id, projectId);
      throw e;
    }
  }

  private LayerInfo reserve(LayerId id, Optional<LayerId> parent, boolean writable) throws IOException {
    synchronized (lock) {
      checkOpen();
      if (id.value().equals(OverlayHome.LINKS)) {
        throw new InvalidArgumentException(id.value(), "layer id 'l' is the overlay2 short-link"
            + " directory; choose another id");
      }
      return table.reserve(id, parent, writable);
    }
  }

  private <T> T create(LayerInfo info, LayerBuilder.Fill<T> fill) throws IOException {
    return create(info, OptionalInt.empty(), dir -> { }, fill);
  }

  private <T> T create(LayerInfo info, OptionalInt projectId, LayerBuilder.Prepare prepare,
      LayerBuilder.Fill<T> fill) throws IOException {
    return table.build(info, lock, i -> builder.build(i, projectId, prepare, fill));
  }

  @Override
  public void remove(LayerId id) throws IOException {
    Path away;
    OptionalInt projectId;
    synchronized (lock) {
      checkOpen();
      table.checkRemovable(id, views.count(id));
      projectId = LayerRecord.readProjectId(home.layerDir(id));
      away = builder.remove(id);
      table.forget(id);
    }
    try {
      builder.delete(away);
    } catch (IOException e) {
      // Safe: the layer is gone from the table and the home; .trash/ is swept on the next open.
      LOG.log(System.Logger.Level.WARNING, "could not delete removed layer " + id + " at " + away
          + "; it will be deleted when the driver next opens", e);
    }
    projectId.ifPresent(p -> quotas.lift(id, p));
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
      return plan.describe(require(id), target);
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
      return diskUsage.of(home.diff(id));
    } catch (NoSuchFileException e) {
      throw new NotFoundException(id.value(), "layer " + id + " was removed while its usage was measured", e);
    }
  }

  @Override
  public long diff(LayerId id, OutputStream out) throws IOException {
    LayerInfo info = info(id);
    if (!nativeDiff.usable(info)) {
      return GraphDriver.super.diff(id, out);
    }
    return nativeDiff.withParentView(this, info, lower -> nativeDiff.differ().writeDiff(lower, home.diff(id), out));
  }

  @Override
  public List<Change> changes(LayerId id) throws IOException {
    LayerInfo info = info(id);
    if (!nativeDiff.usable(info)) {
      return GraphDriver.super.changes(id);
    }
    return nativeDiff.withParentView(this, info, lower -> nativeDiff.differ().changes(lower, home.diff(id)));
  }

  @Override
  public long diffSize(LayerId id) throws IOException {
    LayerInfo info = info(id);
    if (!nativeDiff.usable(info)) {
      return GraphDriver.super.diffSize(id);
    }
    return nativeDiff.withParentView(this, info, lower -> nativeDiff.differ().diffSize(lower, home.diff(id)));
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
        throw new IllegalStateException("overlay2 driver on " + home.root() + " is closed");
      }
    }
  }
}
