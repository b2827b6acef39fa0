package dev.strata.driver.vfs;

import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.Mount;
import dev.strata.driver.MountReferences;
import dev.strata.driver.Mounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A layer's view: the layer directory itself, or with {@code vfs.bind=true} a bind mount of it on
 * {@code mnt/<id>}, read-only for image layers so that the kernel refuses writes.
 */
final class ViewMounts {

  private final VfsHome home;
  private final boolean bind;
  private final Mounter mounter;
  private final MountReferences refs = new MountReferences();

  ViewMounts(VfsHome home, boolean bind, Mounter mounter) {
    this.home = home;
    this.bind = bind;
    this.mounter = mounter;
  }

  boolean bind() {
    return bind;
  }

  /** The bind mount presenting {@code layer} at {@code target}. */
  Mount describe(LayerInfo layer, Path target) {
    List<String> options = layer.writable() ? List.of("bind") : List.of("bind", "ro");
    return new Mount("bind", home.layerDir(layer.id()).toString(), target, options);
  }

  Path mount(LayerInfo layer) throws IOException {
    if (!bind) {
      refs.acquire(layer.id(), () -> { });
      return home.layerDir(layer.id());
    }
    Path target = home.mountPoint(layer.id());
    refs.acquire(layer.id(), () -> {
      Files.createDirectories(target);
      try {
        mounter.mount(describe(layer, target));
      } catch (IOException e) {
        Files.deleteIfExists(target);
        throw e;
      }
    });
    return target;
  }

  void unmount(LayerId id) throws IOException {
    if (!bind) {
      refs.release(id, () -> { });
      return;
    }
    Path target = home.mountPoint(id);
    refs.release(id, () -> {
      mounter.unmount(target);
      Files.deleteIfExists(target);
    });
  }

  int count(LayerId id) {
    return refs.count(id);
  }
}
