package dev.strata.driver.overlay2;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The facts {@code strata info} shows for overlay2, in display order. */
final class StatusReport {

  private StatusReport() {}

  static Map<String, String> of(Overlay2Driver.Settings s, int layers) {
    OverlayFeatures f = s.features();
    Map<String, String> status = new LinkedHashMap<>();
    status.put("backing filesystem", f.backingFs());
    status.put("supports d_type", Boolean.toString(f.dType()));
    status.put("native diff", s.nativeDiff()
        ? "true (layers with a renamed lower directory use the generic diff)"
        : "false (metacopy=on: upper files may hold no data)");
    status.put("mount", s.mountMethod());
    status.put("max depth", Integer.toString(s.maxDepth()));
    status.put("mount options", String.join(",", s.options().effective()));
    status.put("module index", param(f.index()));
    status.put("module redirect_dir", param(f.redirectDir()));
    status.put("module metacopy", param(f.metacopy()));
    status.put("redirect_dir", s.options().redirectDir(f));
    status.put("metacopy", Boolean.toString(s.options().metacopy(f)));
    status.put("userxattr", Boolean.toString(f.rootless()));
    status.put("quota", s.quota().quotas()
        .map(q -> "true (" + s.quota().reason() + ", project ids above " + q.baseId() + ")")
        .orElse("false (" + s.quota().reason() + ")"));
    status.put("layers", Integer.toString(layers));
    return status;
  }

  private static String param(Optional<Boolean> p) {
    return p.map(v -> v ? "Y" : "N").orElse("absent");
  }
}
