package dev.strata.driver;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One mount described as data, as {@code mount -t TYPE -o OPTIONS SOURCE TARGET} would perform it.
 * Drivers return these so that option building is testable without root and a runtime can perform
 * the mount in its own mount namespace; {@link Mounter} performs them here.
 *
 * @param type filesystem type ({@code overlay}, {@code bind}, {@code tmpfs}, {@code btrfs})
 * @param source device, directory or a label such as {@code overlay}
 * @param target where it is mounted
 * @param options {@code mount(8)}-style options in order: flags ({@code ro}, {@code bind},
 *     {@code nodev}) and {@code key=value} data ({@code lowerdir=...})
 */
public record Mount(String type, String source, Path target, List<String> options) {

  public Mount {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    options = List.copyOf(options);
    if (type.isEmpty()) {
      throw new IllegalArgumentException("mount type is empty (source '" + source + "')");
    }
    if (!target.isAbsolute()) {
      throw new IllegalArgumentException("mount target must be absolute: '" + target + "'");
    }
  }

  /** A bind mount of the directory {@code source} on {@code target}, read-only when asked. */
  public static Mount bind(Path source, Path target, boolean readOnly) {
    return new Mount("bind", source.toString(), target, readOnly ? List.of("bind", "ro") : List.of("bind"));
  }

  /** True when the options ask for a read-only mount. */
  public boolean readOnly() {
    return options.contains("ro");
  }
}
