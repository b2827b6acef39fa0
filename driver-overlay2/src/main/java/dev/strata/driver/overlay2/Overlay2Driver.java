package dev.strata.driver.overlay2;

import dev.strata.driver.AbstractGraphDriver;
import dev.strata.driver.ApplyResult;
import dev.strata.driver.DiskUsage;
import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.Mount;
import dev.strata.driver.Usage;
import dev.strata.files.MountTable;
import dev.strata.files.ProjectQuotas;
import dev.strata.tar.ApplyOptions;
import dev.strata.tar.DeletingWhiteouts;
import dev.strata.tar.LayerApplier;
import dev.strata.tar.UpperDirDiffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Layers as overlayfs stacks them, in Docker's overlay2 layout ({@link OverlayHome}). */
final class Overlay2Driver extends AbstractGraphDriver {

  /** What the provider worked out at open: features, options, limits. */
  record Settings(OverlayFeatures features, MountOptions options, int maxDepth, boolean root,
      boolean nativeDiff, String mountMethod, ProjectQuotas.Support quota) {}

  private final Settings settings;
  private final OverlayHome home;
  private final LayerBuilder builder;
  private final Views views;
  private final LayerQuotas quotas;
  private final UpperDirDiffer upperDiffer;
  private final DiskUsage diskUsage = new DiskUsage();

  Overlay2Driver(Traits traits, boolean swept, Settings settings, OverlayHome home, LayerBuilder builder,
      Views views, LayerQuotas quotas) throws IOException {
    super(traits, () -> LayerFiles.readAll(home), swept);
    this.settings = settings;
    this.home = home;
    this.builder = builder;
    this.views = views;
    this.quotas = quotas;
    this.upperDiffer = new UpperDirDiffer(settings.features().xattrPrefix());
    if (swept) {
      settleViews(MountTable.self().mountPointsUnder(home.root()), views::unmount);
    }
  }

  /**
   * The tar goes into the new {@code diff/} without a look at the parent (whiteouts are recorded
   * as overlay reads them, whatever lies below), so a child's apply may run while its parent is
   * still being built ({@link dev.strata.driver.Capability#INDEPENDENT_LAYERS}); what needs the
   * parent (an opaque root's whiteouts, the root's attributes, the lower chain) comes after it.
   */
  @Override
  protected ApplyResult buildReadOnly(LayerInfo layer, InputStream layerTar) throws IOException {
    ApplyOptions options = settings.root() ? ApplyOptions.privileged() : ApplyOptions.unprivileged();
    Optional<LayerId> parent = layer.parent();
    OverlayWhiteouts[] whiteouts = new OverlayWhiteouts[1];
    return builder.build(layer, OptionalInt.empty(), dir -> { }, diff -> {
      if (parent.isEmpty()) {
        // Below a base layer there is nothing to hide: its whiteouts only delete.
        return new LayerApplier(options, new DeletingWhiteouts()).apply(layerTar, diff);
      }
      whiteouts[0] = builder.whiteouts(diff);
      return new LayerApplier(options, whiteouts[0]).apply(layerTar, diff);
    }, () -> awaitParent(layer), applied -> {
      if (whiteouts[0] != null) {
        whiteouts[0].finish(builder.lowerDiffs(parent.get()));
      }
      return applied.setsRoot();
    });
  }

  @Override
  protected void checkWritableOptions(LayerId id, Map<String, String> storageOptions) throws IOException {
    quotas.check(id, storageOptions);
  }

  @Override
  protected void buildWritable(LayerInfo layer, Map<String, String> storageOptions) throws IOException {
    Optional<LayerQuotas.Quota> quota = quotas.forNewLayer(layer.id(), storageOptions);
    if (quota.isEmpty()) {
      builder.build(layer, diff -> null);
      return;
    }
    int projectId = quota.get().projectId();
    try {
      // The layer directory, not diff/: work/ must share the project, or copy-up's rename from
      // work/ into diff/ fails with EXDEV.
      builder.build(layer, OptionalInt.of(projectId), dir -> quotas.apply(quota.get(), dir), diff -> null,
          () -> { }, filled -> false);
    } catch (IOException | RuntimeException e) {
      quotas.lift(layer.id(), projectId);
      throw e;
    }
  }

  /** A record whose project id is unreadable refuses the removal here, before anything moves. */
  @Override
  protected Path detach(LayerInfo layer) throws IOException {
    LayerFiles.readProjectId(home.layerDir(layer.id()));
    return builder.remove(layer.id());
  }

  @Override
  protected void discard(LayerInfo layer, Path detached) throws IOException {
    OptionalInt projectId = LayerFiles.readProjectId(detached);
    try {
      builder.delete(detached);
    } finally {
      projectId.ifPresent(p -> quotas.lift(layer.id(), p));
    }
  }

  @Override
  protected Path view(LayerInfo layer) {
    return home.merged(layer.id());
  }

  @Override
  protected void mountView(LayerInfo layer, Path view) throws IOException {
    views.mount(layer, view);
  }

  @Override
  protected void unmountView(LayerInfo layer, Path view) throws IOException {
    views.unmount(view);
  }

  @Override
  protected List<Mount> mountsFor(LayerInfo layer, Path target) throws IOException {
    return views.describe(layer, target);
  }

  /**
   * The layer's own {@code diff/}, read against the parent's view for the names it holds. Off when
   * uppers may hold metacopy files; an upper holding a redirected directory (one renamed under
   * {@code redirect_dir=on}) needs the generic differ over mounted views.
   */
  @Override
  protected Optional<OwnChanges> ownChanges(LayerInfo layer) throws IOException {
    Path upper = home.diff(layer.id());
    return settings.nativeDiff() && upperDiffer.canDiff(upper)
        ? Optional.of(new OwnChanges(upperDiffer, upper))
        : Optional.empty();
  }

  @Override
  protected Usage measure(LayerInfo layer) throws IOException {
    Path diff = home.diff(layer.id());
    OptionalInt project = LayerFiles.readProjectId(home.layerDir(layer.id()));
    if (project.isPresent()) {
      Optional<Usage> counted = quotas.usage(project.getAsInt());
      if (counted.isPresent()) {
        return counted.get();
      }
    }
    return diskUsage.of(diff);
  }

  @Override
  protected Map<String, String> facts(int layers) {
    return StatusReport.of(settings, layers);
  }
}
