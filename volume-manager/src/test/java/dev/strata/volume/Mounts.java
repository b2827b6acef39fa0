package dev.strata.volume;

import dev.strata.volume.MountSpec.Propagation;
import dev.strata.volume.MountSpec.Relabel;
import dev.strata.volume.MountSpec.Type;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Expected {@link MountSpec}s, spelled out field by field, for the parser tables. */
final class Mounts {

  private Mounts() {}

  static MountSpec bind(String source, String target, boolean readOnly, Relabel relabel, Propagation propagation,
      boolean createSource) {
    return bind(source, target, readOnly, relabel, propagation, createSource, Map.of());
  }

  static MountSpec bind(String source, String target, boolean readOnly, Relabel relabel, Propagation propagation,
      boolean createSource, Map<String, String> options) {
    return new MountSpec(Type.BIND, Optional.of(source), target, readOnly, relabel, Optional.of(propagation), false,
        createSource, options, Map.of(), Optional.empty());
  }

  static MountSpec volume(String name, String target, boolean readOnly, Relabel relabel, boolean copy) {
    return new MountSpec(Type.VOLUME, Optional.ofNullable(name), target, readOnly, relabel, Optional.empty(), copy,
        false, Map.of(), Map.of(), Optional.empty());
  }

  static MountSpec volume(String name, String target, Map<String, String> options, Map<String, String> labels,
      String subpath) {
    return new MountSpec(Type.VOLUME, Optional.of(name), target, false, Relabel.NONE, Optional.empty(), true, false,
        options, labels, Optional.ofNullable(subpath));
  }

  static MountSpec tmpfs(String target, boolean readOnly, String... data) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String item : data) {
      int eq = item.indexOf('=');
      options.put(eq < 0 ? item : item.substring(0, eq), eq < 0 ? "" : item.substring(eq + 1));
    }
    return new MountSpec(Type.TMPFS, Optional.empty(), target, readOnly, Relabel.NONE, Optional.empty(), false,
        false, options, Map.of(), Optional.empty());
  }

  /** An ordered map from {@code k, v, k, v ...}. */
  static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
