package dev.strata.driver.btrfs;

import dev.strata.driver.AbstractGraphDriver.Traits;
import dev.strata.driver.Capability;
import dev.strata.driver.DiskUsage;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDriverProvider;
import dev.strata.driver.LayerDirectories;
import dev.strata.driver.ProbeResult;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.posix.FileNodes;
import dev.strata.posix.FileSystemTypes;
import dev.strata.posix.Ioctls;
import dev.strata.posix.PosixException;
import dev.strata.tar.LayerDiffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code btrfs} driver: each layer is a btrfs subvolume, a child layer a snapshot of its parent
 * (constant time, extents shared until written), an image layer read-only once applied. Every
 * operation is an ioctl; no {@code btrfs} process is ever started.
 *
 * <p>The home must be on btrfs, and the driver must run as root: destroying a subvolume needs
 * {@code CAP_SYS_ADMIN} unless the filesystem is mounted {@code user_subvol_rm_allowed}, and so do
 * qgroups. Writable layers accept {@code size=} (a qgroup limit on referenced bytes, image
 * included, as in Docker). The driver takes no driver-wide options.
 */
public final class BtrfsDriverProvider implements GraphDriverProvider {

  static final String NAME = "btrfs";

  /** For {@link java.util.ServiceLoader}; stateless. */
  public BtrfsDriverProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProbeResult probe(Path home) {
    Path existing = home.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return ProbeResult.unsupported("no part of " + home + " exists to tell its filesystem");
    }
    long magic;
    try {
      magic = new FileSystemTypes().magic(existing);
    } catch (PosixException e) {
      return ProbeResult.unsupported("cannot tell the filesystem of " + existing + ": " + e.getMessage());
    }
    if (magic != FileSystemTypes.BTRFS_SUPER_MAGIC) {
      return ProbeResult.unsupported(home + " is not on btrfs (" + existing + " has filesystem magic 0x"
          + Long.toHexString(magic) + ", btrfs is 0x" + Long.toHexString(FileSystemTypes.BTRFS_SUPER_MAGIC)
          + "); put the store's root on a btrfs filesystem or use another driver");
    }
    if (!new FileNodes().isRoot()) {
      return ProbeResult.unsupported(home + " is on btrfs, but destroying subvolumes needs root;"
          + " run as root or use another driver");
    }
    return ProbeResult.supported(home + " is on btrfs: a subvolume per layer, snapshots for children");
  }

  @Override
  public GraphDriver open(DriverConfig config) throws IOException {
    for (String key : config.options().keySet()) {
      throw new InvalidArgumentException(key, "unknown btrfs storage option '" + key
          + "'; btrfs takes no driver options (size= goes on each writable layer)");
    }
    ProbeResult probe = probe(config.home());
    if (!probe.supported()) {
      throw new UnsupportedException(config.home().toString(), "btrfs driver cannot serve "
          + config.home() + ": " + probe.reason());
    }
    Ioctls ioctls = new Ioctls();
    Subvolumes subvolumes = new Subvolumes(ioctls);
    LayerDirectories directories = LayerDirectories.open(NAME, config.home(), "subvolumes",
        new SubvolumeTrees(subvolumes), config.sweep(), !config.callerSyncs());
    boolean root = new FileNodes().isRoot();
    Set<Capability> caps = EnumSet.of(Capability.COPY_ON_WRITE, Capability.READ_ONLY_VIEWS);
    if (root) {
      // Qgroup and device-node calls need CAP_SYS_ADMIN and CAP_MKNOD.
      caps.add(Capability.DEVICE_NODES);
      caps.add(Capability.QUOTA);
    }
    Traits traits = new Traits(NAME, config.home(), BtrfsDriver.MAX_DEPTH, caps, new LayerDiffer());
    return new BtrfsDriver(traits, directories, config.sweep(), new Qgroups(ioctls, subvolumes, Path.of("/sys/fs/btrfs")),
        new DiskUsage(), root);
  }
}
