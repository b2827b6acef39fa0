package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mounts built as data, option defaults and the mount(2) depth limit; no root needed. */
class MountPlanTest {

  private static final String BASE = "BASEBASEBASEBASEBASEBASE01";
  private static final String MID = "MIDMIDMIDMIDMIDMIDMIDMID02";
  private static final String TOP = "TOPTOPTOPTOPTOPTOPTOPTOP03";
  private static final String SOLO = "SOLOSOLOSOLOSOLOSOLOSOLO04";

  @TempDir Path root;

  private static OverlayFeatures features(boolean indexParam, boolean rootless, boolean metacopy) {
    return new OverlayFeatures(true, "ext4", true, true,
        indexParam ? Optional.of(false) : Optional.empty(), Optional.of(false), Optional.of(metacopy), rootless);
  }

  private LayerInfo layer(OverlayHome home, String id, String parent, boolean writable, int depth,
      String shortName, List<String> lowers) throws IOException {
    Path dir = Files.createDirectories(home.layerDir(LayerId.of(id)));
    LayerFiles.writeLink(dir, shortName);
    if (!lowers.isEmpty()) {
      LayerFiles.writeLowers(dir, lowers);
    }
    return new LayerInfo(LayerId.of(id), Optional.ofNullable(parent).map(LayerId::of), writable, depth);
  }

  @Test
  public void describe_stackOfThree_exactOverlayAndBindMounts() throws IOException {
    OverlayHome home = new OverlayHome(root);
    MountPlan plan = new MountPlan(home, MountOptions.resolve(null, features(true, false, false)));
    LayerInfo base = layer(home, "base", null, false, 1, BASE, List.of());
    LayerInfo mid = layer(home, "mid", "base", false, 2, MID, List.of(BASE));
    LayerInfo top = layer(home, "top", "mid", true, 3, TOP, List.of(MID, BASE));
    Path target = root.resolve("target");
    String l = root + "/l/";

    assertEquals(List.of(new Mount("bind", root + "/base/diff", target, List.of("bind", "ro"))),
        plan.describe(base, target));
    assertEquals(List.of(new Mount("overlay", "overlay", target,
        List.of("ro", "lowerdir=" + l + MID + ":" + l + BASE, "index=off", "redirect_dir=on"))),
        plan.describe(mid, target));
    assertEquals(List.of(new Mount("overlay", "overlay", target,
        List.of("lowerdir=" + l + MID + ":" + l + BASE, "upperdir=" + root + "/top/diff",
            "workdir=" + root + "/top/work", "index=off", "redirect_dir=on"))),
        plan.describe(top, target));
  }

  @Test
  public void describe_writableBase_usesItsEmptyLowerAndReadOnlyOnceCommitted() throws IOException {
    OverlayHome home = new OverlayHome(root);
    MountPlan plan = new MountPlan(home, MountOptions.resolve(null, features(false, false, false)));
    LayerInfo solo = layer(home, "solo", null, true, 1, SOLO, List.of());
    Path target = root.resolve("target");

    assertEquals(List.of("lowerdir=" + root + "/solo/empty", "upperdir=" + root + "/solo/diff",
        "workdir=" + root + "/solo/work", "redirect_dir=on"), plan.describe(solo, target).get(0).options());
    Files.createFile(home.committed(solo.id()));
    Mount committed = plan.describe(solo, target).get(0);

    assertEquals(List.of("ro", "lowerdir=" + root + "/l/" + SOLO + ":" + root + "/solo/empty", "redirect_dir=on"),
        committed.options());
    assertTrue(committed.readOnly());
  }

  @Test
  public void resolve_explicitMountopt_keptVerbatimAndNeverOverridden() {
    MountOptions options = MountOptions.resolve("redirect_dir=off, metacopy=on,index=on", features(true, false, false));

    assertEquals(List.of("redirect_dir=off", "metacopy=on", "index=on"), options.explicit());
    assertEquals(List.of("redirect_dir=off", "metacopy=on", "index=on"), options.effective());
    assertTrue(options.metacopy(features(true, false, false)));
    assertEquals("off", options.redirectDir(features(true, false, false)));
  }

  @Test
  public void resolve_rootlessWithMetacopyModule_addsUserxattrAndReportsMetacopy() {
    OverlayFeatures rootless = features(true, true, true);
    MountOptions options = MountOptions.resolve("", rootless);

    assertEquals(List.of("index=off", "redirect_dir=on", "userxattr"), options.effective());
    assertTrue(options.metacopy(rootless));
    assertEquals("user.overlay.", rootless.xattrPrefix());
    assertFalse(MountOptions.resolve("metacopy=off", rootless).metacopy(rootless));
  }

  @Test
  public void legacyMaxDepth_dockerRoot_fillsButNeverExceedsOnePage() {
    String home = "/var/lib/strata/overlay2";
    MountOptions options = MountOptions.resolve(null, features(true, false, false));
    int max = Overlay2DriverProvider.legacyMaxDepth(home, options);

    assertTrue(max > 41 && max < Overlay2DriverProvider.KERNEL_MAX_LOWERS, "max " + max);
    assertTrue(dataLength(home, max, options) <= 4095, "data for " + max + " lowers");
    assertTrue(dataLength(home, max + 2, options) > 4095, "a deeper stack would still fit");
  }

  /** The mount(2) data of a writable layer with {@code lowers} lowers and a 128-character id. */
  private static int dataLength(String home, int lowers, MountOptions options) {
    String id = "i".repeat(128);
    StringBuilder data = new StringBuilder("lowerdir=");
    for (int i = 0; i < lowers; i++) {
      data.append(i == 0 ? "" : ":").append(home).append("/l/").append("S".repeat(26));
    }
    data.append(",upperdir=").append(home).append('/').append(id).append("/diff")
        .append(",workdir=").append(home).append('/').append(id).append("/work");
    for (String o : options.effective()) {
      data.append(',').append(o);
    }
    return data.length();
  }
}
