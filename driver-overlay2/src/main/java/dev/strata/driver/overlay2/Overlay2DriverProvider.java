package dev.strata.driver.overlay2;

import dev.strata.driver.AbstractGraphDriver.Traits;
import dev.strata.driver.Capability;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDriverProvider;
import dev.strata.driver.Mounter;
import dev.strata.driver.ProbeResult;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.MountTable;
import dev.strata.files.ProjectQuotas;
import dev.strata.posix.DirEntryTypes;
import dev.strata.posix.FileNodes;
import dev.strata.posix.FsMountCalls;
import dev.strata.posix.Ioctls;
import dev.strata.posix.Quotas;
import dev.strata.posix.Xattrs;
import dev.strata.tar.LayerDiffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code overlay2} driver: layers stacked by the kernel's overlayfs, in Docker's overlay2
 * layout. A container's writes land in its layer's {@code diff/} (copy-up), deletions as whiteout
 * devices; its diff is read from that directory alone when the kernel keeps no redirects or
 * metacopies there. Stacks mount through the new mount API, so up to overlay's 500 lowers.
 *
 * <p>Options: {@code overlay2.mountopt=a,b} adds overlay mount options, used verbatim and never
 * overridden (e.g. {@code redirect_dir=off}, {@code metacopy=on}). A writable layer takes {@code
 * size=} and {@code inodes=} when the home is on xfs mounted with {@code prjquota} ({@link
 * ProjectQuotas}; {@code Capability.QUOTA} says so), and refuses them elsewhere; a driver-wide
 * default ({@code overlay2.size}) is refused.
 * Needs root (mounts), overlay in the kernel, and a home filesystem that reports {@code d_type} and
 * is not itself overlay.
 */
public final class Overlay2DriverProvider implements GraphDriverProvider {

  static final String NAME = "overlay2";
  static final String MOUNTOPT = "overlay2.mountopt";
  static final String SIZE = "overlay2.size";
  /** overlayfs's {@code OVL_MAX_STACK}. */
  static final int KERNEL_MAX_LOWERS = 500;
  /** {@code mount(2)} copies one page of option data and keeps 4095 bytes of it. */
  private static final int MOUNT_DATA_LIMIT = 4095;
  private static final int MAX_ID_LENGTH = 128;

  /** For {@link java.util.ServiceLoader}; stateless. */
  public Overlay2DriverProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProbeResult probe(Path home) {
    try {
      if (!OverlayFeatures.overlayListed(OverlayFeatures.PROC_FILESYSTEMS)) {
        return ProbeResult.unsupported("overlay is not in /proc/filesystems; load it with 'modprobe overlay'");
      }
      if (!new FileNodes().isRoot()) {
        return ProbeResult.unsupported("overlay2 mounts layers and needs root (CAP_SYS_ADMIN)");
      }
      Path existing = home.toAbsolutePath();
      while (!Files.exists(existing)) {
        existing = existing.getParent();
      }
      String fs = Files.getFileStore(existing).type();
      if (fs.equals("overlay")) {
        return ProbeResult.unsupported(home + " is on overlay, which cannot hold an overlay upper;"
            + " put the root on ext4, xfs or btrfs");
      }
      Optional<String> failure = UpperProbe.failure(existing);
      if (failure.isPresent()) {
        return ProbeResult.unsupported(failure.get());
      }
      return ProbeResult.supported("a test overlay mount with its upper on " + fs + " beside " + home
          + " works");
    } catch (IOException e) {
      return ProbeResult.unsupported("cannot probe overlay for " + home + ": " + e.getMessage());
    }
  }

  @Override
  public GraphDriver open(DriverConfig config) throws IOException {
    for (String key : config.options().keySet()) {
      if (key.equals(SIZE)) {
        throw new UnsupportedException(key, "a driver-wide default quota (" + SIZE + ") is not"
            + " supported; give each writable layer size= (xfs with prjquota) instead, and drop " + SIZE);
      }
      if (!key.equals(MOUNTOPT)) {
        throw new InvalidArgumentException(key, "unknown overlay2 storage option '" + key
            + "'; overlay2 knows " + MOUNTOPT);
      }
    }
    String homeText = config.home().toString();
    if (homeText.contains(":") || homeText.contains(",")) {
      throw new InvalidArgumentException(homeText, "overlay2 home " + homeText + " contains ':' or ',',"
          + " which overlay mount options cannot carry; choose another root");
    }
    ProbeResult probe = probe(config.home());
    if (!probe.supported()) {
      throw new UnsupportedException(homeText, probe.reason());
    }
    OverlayHome home = new OverlayHome(config.home());
    home.create();
    FileNodes nodes = new FileNodes();
    boolean root = nodes.isRoot();
    FsMountCalls calls = new FsMountCalls();
    OverlayFeatures features = OverlayFeatures.probe(home.staging(), root, calls, new DirEntryTypes());
    if (!features.dType()) {
      throw new UnsupportedException(homeText, homeText + " is on " + features.backingFs() + " without"
          + " d_type in directory entries (xfs needs ftype=1); overlay cannot find whiteouts there");
    }
    MountOptions options = MountOptions.resolve(config.option(MOUNTOPT).orElse(null), features);
    boolean systemMounter = config.mounter().getClass() == Mounter.system().getClass();
    boolean fsconfig = systemMounter && features.newMountApi();
    Mounter mounter = fsconfig ? new OverlayMounter(config.mounter(), calls) : config.mounter();
    int maxDepth = fsconfig ? KERNEL_MAX_LOWERS : legacyMaxDepth(homeText, options);
    String method = fsconfig ? "fsopen/fsconfig (lowerdir+ per layer)"
        : "mount(2), " + MOUNT_DATA_LIMIT + " bytes of options";
    ProjectQuotas.Support quota = ProjectQuotas.probe(home.root().toRealPath(), MountTable.self(),
        new Ioctls(), new Quotas());
    Overlay2Driver.Settings settings = new Overlay2Driver.Settings(features, options, maxDepth, root,
        !options.metacopy(features), method, quota);
    LayerBuilder builder = new LayerBuilder(home, nodes, new Xattrs(), features.xattrPrefix(), root);
    if (config.sweep()) {
      new Sweeper(home, MountTable.self(), config.mounter(), builder).sweep();
    }
    Traits traits = new Traits(NAME, home.root(), maxDepth, capabilities(settings), new LayerDiffer());
    return new Overlay2Driver(traits, config.sweep(), settings, home, builder,
        new Views(new MountPlan(home, options), mounter), new LayerQuotas(quota, home.projectIds(), lastProjectId(home, quota)));
  }

  private static Set<Capability> capabilities(Overlay2Driver.Settings settings) {
    Set<Capability> caps = EnumSet.of(Capability.REAL_MOUNTS, Capability.READ_ONLY_VIEWS, Capability.INDEPENDENT_LAYERS);
    if (settings.root()) {
      caps.add(Capability.DEVICE_NODES);
    }
    if (settings.nativeDiff()) {
      caps.add(Capability.NATIVE_DIFF);
    }
    if (settings.quota().quotas().isPresent()) {
      caps.add(Capability.QUOTA);
    }
    return caps;
  }

  /** The highest project id a layer or the base holds, so that new layers get fresh ones. */
  private static int lastProjectId(OverlayHome home, ProjectQuotas.Support quota) throws IOException {
    int last = quota.quotas().map(ProjectQuotas::baseId).orElse(ProjectQuotas.DEFAULT_BASE_ID);
    for (Path dir : home.layerDirs()) {
      try {
        last = Math.max(last, LayerFiles.readProjectId(dir).orElse(0));
      } catch (NoSuchFileException removed) {
        // Another process renamed the layer away between the listing and the read.
      }
    }
    return last;
  }

  /**
   * The deepest stack whose mount data fits one {@code mount(2)} call: every lower costs an
   * absolute short link {@code <home>/l/<26>} and a colon; upperdir, workdir (ids up to 128
   * characters) and the options take the rest.
   */
  static int legacyMaxDepth(String home, MountOptions options) {
    int perLower = home.length() + "/l/".length() + LayerBuilder.SHORT_LENGTH + 1;
    int fixed = "lowerdir=".length()
        + 2 * (",upperdir=".length() + home.length() + 1 + MAX_ID_LENGTH + "/diff".length());
    for (String o : options.effective()) {
      fixed += o.length() + 1;
    }
    return Math.max(1, Math.min(KERNEL_MAX_LOWERS, (MOUNT_DATA_LIMIT - fixed) / perLower));
  }
}
