package dev.strata.container;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a runtime spec's {@code mounts}: mounted by the runtime, in order, inside the
 * container's mount namespace.
 *
 * @param destination the absolute path inside the container
 * @param type the filesystem type ({@code bind}, {@code tmpfs}, {@code proc} ...)
 * @param source a host path for binds, a name for the others
 * @param options mount flags and data, as {@code mount -o} takes them
 */
record OciMount(String destination, String type, String source, List<String> options) {

  OciMount {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    options = List.copyOf(options);
    if (!destination.startsWith("/")) {
      throw new IllegalArgumentException("mount destination '" + destination + "' is not absolute");
    }
  }

  /** How many names deep the destination is: {@code /} 0, {@code /dev} 1, {@code /dev/pts} 2. */
  int depth() {
    return (int) destination.chars().filter(c -> c == '/').count() - (destination.equals("/") ? 1 : 0);
  }
}
