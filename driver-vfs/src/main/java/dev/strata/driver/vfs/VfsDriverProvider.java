package dev.strata.driver.vfs;

import dev.strata.files.MountTable;
import dev.strata.files.TreeCopy;
import dev.strata.driver.DiskUsage;
import dev.strata.driver.LayerRecords;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDriverProvider;
import dev.strata.driver.ProbeResult;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.posix.FileBlocks;
import dev.strata.driver.posix.FileNodes;
import java.io.IOException;
import java.nio.file.Path;
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
    VfsHome home = new VfsHome(config.home());
    home.create();
    new Sweeper(home, MountTable.self(), config.mounter()).sweep();
    TreeCopy copier = TreeCopy.detect(home.staging());
    return new VfsDriver(home, copier, new LayerRecords("vfs", "dir/", home.meta()),
        new ViewMounts(home, bind, config.mounter()), new DiskUsage(new FileBlocks()),
        new FileNodes().isRoot());
  }
}
