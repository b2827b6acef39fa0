package dev.strata.driver.btrfs;

import dev.strata.driver.AbstractTreeDriver;
import dev.strata.driver.ApplyResult;
import dev.strata.driver.DiskUsage;
import dev.strata.driver.LayerDirectories;
import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.Usage;
import dev.strata.tar.ApplyOptions;
import dev.strata.tar.DeletingWhiteouts;
import dev.strata.tar.LayerApplier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A subvolume per layer in {@code subvolumes/<id>} ({@link LayerDirectories} over {@link
 * SubvolumeTrees}). A view is the subvolume itself, read-only for an image layer by the
 * subvolume's own flag, so mounting only counts references.
 */
final class BtrfsDriver extends AbstractTreeDriver {

  /**
   * A snapshot costs the same at any depth, so depth is bounded only to keep stacks sane: 500
   * matches the other drivers and is far beyond the 127 layers images are held to.
   */
  static final int MAX_DEPTH = 500;

  private final Qgroups qgroups;
  private final DiskUsage diskUsage;
  private final boolean root;

  BtrfsDriver(Traits traits, LayerDirectories directories, boolean swept, Qgroups qgroups, DiskUsage diskUsage,
      boolean root) throws IOException {
    super(traits, directories, swept);
    this.qgroups = qgroups;
    this.diskUsage = diskUsage;
    this.root = root;
  }

  @Override
  protected ApplyResult buildReadOnly(LayerInfo layer, InputStream layerTar) throws IOException {
    ApplyOptions options = root ? ApplyOptions.privileged() : ApplyOptions.unprivileged();
    LayerApplier applier = new LayerApplier(options, new DeletingWhiteouts());
    return directories().build(layer, staging -> applier.apply(layerTar, staging));
  }

  @Override
  protected void checkWritableOptions(LayerId id, Map<String, String> storageOptions) throws IOException {
    StorageOptions.quota(id, storageOptions, root);
  }

  /** With {@code size=}, a qgroup limit on the new subvolume before anything is written in it. */
  @Override
  protected void buildWritable(LayerInfo layer, Map<String, String> storageOptions) throws IOException {
    OptionalLong quota = StorageOptions.quota(layer.id(), storageOptions, root);
    directories().build(layer, staging -> {
      if (quota.isPresent()) {
        qgroups.enable(staging);
        qgroups.limit(staging, quota.getAsLong());
      }
      return null;
    });
  }

  /**
   * Inodes by walking the subvolume; bytes from its qgroup's exclusive count when quotas are on
   * (what the layer alone holds, shared snapshot extents excluded), else {@code st_blocks} as
   * {@code du} counts them.
   */
  @Override
  protected Usage measure(LayerInfo layer) throws IOException {
    Path dir = directories().layerDir(layer.id());
    Usage walked = diskUsage.of(dir);
    OptionalLong exclusive = qgroups.exclusiveBytes(dir);
    return exclusive.isPresent() ? new Usage(exclusive.getAsLong(), walked.inodes()) : walked;
  }

  @Override
  protected Map<String, String> facts(int layers) {
    Map<String, String> status = new LinkedHashMap<>();
    status.put("backing filesystem", "btrfs");
    status.put("copy", "subvolume snapshot");
    status.put("layers", Integer.toString(layers));
    status.put("quota", root ? "qgroups (size=)" : "unavailable without root");
    return status;
  }
}
