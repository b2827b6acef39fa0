package dev.strata.driver.overlay2;

import dev.strata.driver.LayerInfo;
import dev.strata.driver.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Describes the mount that presents a layer's view, as data:
 *
 * <ul>
 *   <li>a writable layer: overlay with its ancestors as lowers (or its own empty {@code empty/}
 *       for a base layer), its {@code diff/} as upper and {@code work/} as work dir;
 *   <li>a read-only layer, or a writable one that has a child ({@code committed}): overlay with its
 *       own {@code diff/} on top of its ancestors and no upper, so the kernel refuses writes;
 *   <li>a read-only base: overlay needs two lowers without an upper, so a read-only bind of {@code
 *       diff/} (a committed writable base uses its {@code empty/} as second lower instead, which
 *       keeps overlay's marks out of the view).
 * </ul>
 *
 * Lowers are named by their absolute short links ({@code <home>/l/SHORT}).
 */
final class MountPlan {

  private final OverlayHome home;
  private final MountOptions options;

  MountPlan(OverlayHome home, MountOptions options) {
    this.home = home;
    this.options = options;
  }

  List<Mount> describe(LayerInfo layer, Path target) throws IOException {
    Path dir = home.layerDir(layer.id());
    List<String> lowers = new ArrayList<>();
    for (String s : LayerFiles.readLowers(dir)) {
      lowers.add(home.link(s).toString());
    }
    boolean readOnly = !layer.writable() || Files.exists(home.committed(layer.id()));
    List<String> opts = new ArrayList<>();
    if (readOnly) {
      lowers.add(0, home.link(LayerFiles.readLink(dir)).toString());
      if (lowers.size() == 1) {
        if (!layer.writable()) {
          return List.of(new Mount("bind", home.diff(layer.id()).toString(), target, List.of("bind", "ro")));
        }
        lowers.add(home.empty(layer.id()).toString());
      }
      opts.add("ro");
      opts.add("lowerdir=" + String.join(":", lowers));
    } else {
      if (lowers.isEmpty()) {
        lowers.add(home.empty(layer.id()).toString());
      }
      opts.add("lowerdir=" + String.join(":", lowers));
      opts.add("upperdir=" + home.diff(layer.id()));
      opts.add("workdir=" + home.work(layer.id()));
    }
    opts.addAll(options.effective());
    return List.of(new Mount("overlay", "overlay", target, opts));
  }
}
