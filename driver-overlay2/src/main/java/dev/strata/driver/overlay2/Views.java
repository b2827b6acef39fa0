package dev.strata.driver.overlay2;

import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.Mount;
import dev.strata.driver.MountReferences;
import dev.strata.driver.Mounter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Mounted views at {@code <id>/merged}, reference counted: the first mount performs, the last undoes. */
final class Views {

  private final OverlayHome home;
  private final MountPlan plan;
  private final Mounter mounter;
  private final MountReferences refs = new MountReferences();

  Views(OverlayHome home, MountPlan plan, Mounter mounter) {
    this.home = home;
    this.plan = plan;
    this.mounter = mounter;
  }

  Path mount(LayerInfo layer) throws IOException {
    Path target = home.merged(layer.id());
    refs.acquire(layer.id(), () -> {
      List<Mount> mounts = plan.describe(layer, target);
      for (int i = 0; i < mounts.size(); i++) {
        try {
          mounter.mount(mounts.get(i));
        } catch (IOException e) {
          for (int j = i - 1; j >= 0; j--) {
            try {
              mounter.unmount(mounts.get(j).target());
            } catch (IOException undo) {
              e.addSuppressed(undo);
            }
          }
          throw e;
        }
      }
    });
    return target;
  }

  void unmount(LayerId id) throws IOException {
    refs.release(id, () -> mounter.unmount(home.merged(id)));
  }

  int count(LayerId id) {
    return refs.count(id);
  }
}
