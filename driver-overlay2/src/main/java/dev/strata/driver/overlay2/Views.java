package dev.strata.driver.overlay2;

import dev.strata.driver.LayerInfo;
import dev.strata.driver.Mount;
import dev.strata.driver.Mounter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Performs a layer's view at {@code <id>/merged} as its {@link MountPlan} describes it, and tears it down. */
final class Views {

  private final MountPlan plan;
  private final Mounter mounter;

  Views(MountPlan plan, Mounter mounter) {
    this.plan = plan;
    this.mounter = mounter;
  }

  List<Mount> describe(LayerInfo layer, Path target) throws IOException {
    return plan.describe(layer, target);
  }

  /** Performs the mounts in order; a failure undoes the ones already made. */
  void mount(LayerInfo layer, Path target) throws IOException {
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
  }

  void unmount(Path target) throws IOException {
    mounter.unmount(target);
  }
}
