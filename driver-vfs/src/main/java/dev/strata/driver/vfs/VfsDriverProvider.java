package dev.strata.driver.vfs;

import dev.strata.driver.AbstractGraphDriver.Traits;
import dev.strata.driver.Capability;
import dev.strata.driver.DiskUsage;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDriverProvider;
import dev.strata.driver.LayerDirectories;
import dev.strata.driver.ProbeResult;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.files.CopyMethod;
import dev.strata.files.MountTable;
import dev.strata.files.TreeCopy;
import dev.strata.posix.FileNodes;
import dev.strata.tar.ApplyOptions;
import dev.strata.tar.LayerDiffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code vfs} driver: every layer is a complete copy of its parent's tree in a plain directory,
 * made with reflinks or {@code copy_file_range} where the filesystem allows. Slow and large, but it
 * runs on any filesystem, needs no kernel feature, and is the reference the other drivers are
 * checked against.
 *
 * <p>Options: {@code vfs.bind=true} presents each view as a bind mount under {@code <home>/mnt},
 * read-only for image layers (needs {@code CAP_SYS_ADMIN} with the system mounter). Writable layers
 * accept no storage options: vfs has no quota.
 */
public final class VfsDriverProvider implements GraphDriverProvider {

  static final String NAME = "vfs";
  static final String BIND_OPTION = "vfs.bind";
  private static final Set<String> OPTIONS = Set.of(BIND_OPTION);
  private static final System.Logger LOG = System.getLogger(VfsDriverProvider.class.getName());

  /** For {@link java.util.ServiceLoader}; stateless. */
  public VfsDriverProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProbeResult probe(Path home) {
    return ProbeResult.supported("vfs keeps each layer as a plain directory copy, which any"
        + " filesystem can hold without kernel features or privileges");
  }

  @Override
  public GraphDriver open(DriverConfig config) throws IOException {
    for (String key : config.options().keySet()) {
      if (!OPTIONS.contains(key)) {
        throw new InvalidArgumentException(key, "unknown vfs storage option '" + key
            + "'; vfs knows " + String.join(", ", OPTIONS));
      }
    }
    boolean bind = config.booleanOption(BIND_OPTION, false);
    Path home = config.home();
    Files.createDirectories(home.resolve("mnt"));
    if (config.sweep() && !bind) {
      sweepMounts(home, config);
    }
    TreeCopy copier = TreeCopy.detect(home);
    LayerDirectories directories = LayerDirectories.open(NAME, home, "dir", new CopiedTrees(copier), config.sweep(),
        !config.callerSyncs());
    boolean root = new FileNodes().isRoot();
    Set<Capability> caps = EnumSet.noneOf(Capability.class);
    if (copier.method() == CopyMethod.REFLINK) {
      caps.add(Capability.COPY_ON_WRITE);
    }
    if (root) {
      caps.add(Capability.DEVICE_NODES);
    }
    if (bind) {
      caps.add(Capability.REAL_MOUNTS);
      caps.add(Capability.READ_ONLY_VIEWS);
    }
    Traits traits = new Traits(NAME, home, VfsDriver.MAX_DEPTH, caps, new LayerDiffer());
    VfsDriver.Settings settings = new VfsDriver.Settings(copier.method().label(), bind, config.mounter(),
        root ? ApplyOptions.privileged() : ApplyOptions.unprivileged());
    return new VfsDriver(traits, directories, config.sweep(), settings, new DiskUsage());
  }

  /**
   * Without bind views nothing of vfs's is mounted, so whatever is (left by a run with them) goes.
   * With them, {@link VfsDriver} keeps the counted views.
   */
  private static void sweepMounts(Path home, DriverConfig config) throws IOException {
    for (Path point : MountTable.self().mountPointsUnder(home)) {
      LOG.log(System.Logger.Level.INFO, "unmounting stale vfs view {0}", point);
      config.mounter().unmount(point);
    }
  }
}
