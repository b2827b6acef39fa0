package dev.strata.driver.vfs;

import dev.strata.driver.AbstractTreeDriver;
import dev.strata.driver.ApplyResult;
import dev.strata.driver.DiskUsage;
import dev.strata.driver.LayerDirectories;
import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.Mounter;
import dev.strata.driver.Usage;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.MountTable;
import dev.strata.tar.ApplyOptions;
import dev.strata.tar.DeletingWhiteouts;
import dev.strata.tar.LayerApplier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every layer a full copy of its parent in {@code dir/<id>} ({@link LayerDirectories}). A view is
 * the layer directory itself, or with {@code vfs.bind=true} a bind mount of it on {@code mnt/<id>},
 * read-only for image layers so that the kernel refuses writes.
 */
final class VfsDriver extends AbstractTreeDriver {

  /**
   * Each vfs layer stands alone on disk, so depth costs only the copy; 500 matches the deepest
   * stack overlay can mount and is far beyond the 127 layers images are held to.
   */
  static final int MAX_DEPTH = 500;

  /** What the provider found at open. */
  private static final System.Logger LOG = System.getLogger(VfsDriver.class.getName());

  record Settings(String copyLabel, boolean bind, Mounter mounter, ApplyOptions applyOptions) {}

  private final Settings settings;
  private final DiskUsage diskUsage;

  VfsDriver(Traits traits, LayerDirectories directories, boolean swept, Settings settings, DiskUsage diskUsage)
      throws IOException {
    super(traits, directories, swept);
    this.settings = settings;
    this.diskUsage = diskUsage;
    if (swept && settings.bind()) {
      settleViews(MountTable.self().mountPointsUnder(home()), settings.mounter()::unmount);
      removeUnmountedViewDirs();
    }
  }

  /** {@code mnt/} entries left without a mount: rmdir only, as a view directory is empty when unmounted. */
  private void removeUnmountedViewDirs() throws IOException {
    Path mnt = home().resolve("mnt");
    Set<Path> mounted = Set.copyOf(MountTable.self().mountPointsUnder(mnt));
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(mnt)) {
      for (Path entry : entries) {
        if (!mounted.contains(entry)) {
          try {
            Files.delete(entry);
          } catch (DirectoryNotEmptyException notAView) {
            LOG.log(System.Logger.Level.WARNING, "leaving {0}: not empty, so not a view vfs left", entry);
          }
        }
      }
    }
  }

  @Override
  protected ApplyResult buildReadOnly(LayerInfo layer, InputStream layerTar) throws IOException {
    LayerApplier applier = new LayerApplier(settings.applyOptions(), new DeletingWhiteouts());
    return directories().build(layer, staging -> applier.apply(layerTar, staging));
  }

  @Override
  protected void checkWritableOptions(LayerId id, Map<String, String> storageOptions) throws UnsupportedException {
    for (String option : storageOptions.keySet()) {
      String what = option.equals("size") ? "quota option " : "storage option ";
      throw new UnsupportedException(option, "vfs does not support " + what + option
          + " (layer " + id + "); use a driver with quota support or drop the option");
    }
  }

  @Override
  protected Path view(LayerInfo layer) {
    return settings.bind() ? home().resolve("mnt").resolve(layer.id().value()) : super.view(layer);
  }

  @Override
  protected void mountView(LayerInfo layer, Path view) throws IOException {
    if (!settings.bind()) {
      return;
    }
    Files.createDirectories(view);
    try {
      settings.mounter().mount(mountsFor(layer, view).get(0));
    } catch (IOException e) {
      Files.deleteIfExists(view);
      throw e;
    }
  }

  @Override
  protected void unmountView(LayerInfo layer, Path view) throws IOException {
    if (settings.bind()) {
      settings.mounter().unmount(view);
      Files.deleteIfExists(view);
    }
  }

  @Override
  protected Usage measure(LayerInfo layer) throws IOException {
    return diskUsage.of(directories().layerDir(layer.id()));
  }

  @Override
  protected Map<String, String> facts(int layers) {
    Map<String, String> status = new LinkedHashMap<>();
    String fs;
    try {
      fs = Files.getFileStore(home()).type();
    } catch (IOException e) {
      fs = "unknown (" + e.getMessage() + ")";
    }
    status.put("backing filesystem", fs);
    status.put("copy", settings.copyLabel());
    status.put("layers", Integer.toString(layers));
    status.put("bind mounts", Boolean.toString(settings.bind()));
    return status;
  }
}
