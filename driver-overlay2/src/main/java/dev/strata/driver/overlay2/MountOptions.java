package dev.strata.driver.overlay2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The overlay options added to every mount after {@code lowerdir}/{@code upperdir}/{@code workdir}:
 * the operator's {@code overlay2.mountopt}, verbatim and never overridden, after defaults for what it
 * leaves unsaid.
 *
 * <ul>
 *   <li>{@code index=off} when the module has an {@code index} parameter, as Docker and containerd
 *       do: with the index, a layer's upper is tied to the lowers it was first mounted on.
 *   <li>{@code redirect_dir=on}: without it, renaming a directory that came from a lower layer fails
 *       with {@code EXDEV}; {@code mv} copes by copying, {@code Files.move} does not. A layer whose
 *       upper holds a redirect is diffed over mounted views; the others keep the native diff.
 *   <li>{@code userxattr} when rootless: overlay then keeps its marks in {@code user.overlay.*}.
 * </ul>
 */
record MountOptions(List<String> explicit, List<String> effective) {

  MountOptions {
    explicit = List.copyOf(explicit);
    effective = List.copyOf(effective);
  }

  static MountOptions resolve(String mountopt, OverlayFeatures features) {
    List<String> explicit = mountopt == null || mountopt.isBlank() ? List.of()
        : Arrays.stream(mountopt.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    List<String> effective = new ArrayList<>();
    if (features.index().isPresent() && !mentions(explicit, "index")) {
      effective.add("index=off");
    }
    if (!mentions(explicit, "redirect_dir")) {
      effective.add("redirect_dir=on");
    }
    if (features.rootless() && !mentions(explicit, "userxattr")) {
      effective.add("userxattr");
    }
    effective.addAll(explicit);
    return new MountOptions(explicit, effective);
  }

  /**
   * Whether uppers may hold metacopy files, whose data stays in a lower layer: then no upper can be
   * diffed on its own.
   */
  boolean metacopy(OverlayFeatures features) {
    String last = null;
    for (String o : effective) {
      if (o.startsWith("metacopy=")) {
        last = o.substring("metacopy=".length());
      }
    }
    return last == null ? features.metacopy().orElse(false) : last.equals("on");
  }

  String redirectDir(OverlayFeatures features) {
    String last = null;
    for (String o : effective) {
      if (o.startsWith("redirect_dir=")) {
        last = o.substring("redirect_dir=".length());
      }
    }
    return last != null ? last : features.redirectDir().map(on -> on ? "on" : "off").orElse("off");
  }

  private static boolean mentions(List<String> options, String key) {
    return options.stream().anyMatch(o -> o.equals(key) || o.startsWith(key + "="));
  }
}
