package dev.strata.driver;

import dev.strata.driver.error.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a driver is opened with.
 *
 * @param home the driver's own directory (e.g. {@code /var/lib/strata/vfs}); created if absent
 * @param options {@code --storage-opt} pairs for the driver, e.g. {@code vfs.bind=true}
 * @param mounter performs mounts; {@link Mounter#system()} in production
 * @param sweep whether opening sweeps what an interrupted process left in the home (half-built or
 *     half-removed layers, views still mounted): true unless another process may be working in the
 *     home at the same time, whose work in flight would look like such leftovers
 */
public record DriverConfig(Path home, Map<String, String> options, Mounter mounter, boolean sweep) {

  public DriverConfig {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(mounter, "mounter");
    if (!home.isAbsolute()) {
      throw new IllegalArgumentException("driver home must be absolute: '" + home + "'");
    }
    options = Map.copyOf(options);
  }

  /** Opened by one process at a time: sweeps on open. */
  public DriverConfig(Path home, Map<String, String> options, Mounter mounter) {
    this(home, options, mounter, true);
  }

  public static DriverConfig of(Path home) {
    return new DriverConfig(home, Map.of(), Mounter.system());
  }

  public DriverConfig withOption(String key, String value) {
    Map<String, String> copy = new TreeMap<>(options);
    copy.put(key, value);
    return new DriverConfig(home, copy, mounter, sweep);
  }

  public DriverConfig withMounter(Mounter other) {
    return new DriverConfig(home, options, other, sweep);
  }

  public DriverConfig withSweep(boolean on) {
    return new DriverConfig(home, options, mounter, on);
  }

  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(key));
  }

  /** A boolean option; anything but {@code true}/{@code false} is an invalid argument. */
  public boolean booleanOption(String key, boolean fallback) throws InvalidArgumentException {
    String v = options.get(key);
    if (v == null) {
      return fallback;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new InvalidArgumentException(key, "storage option " + key + "=" + v + " is not true or false");
  }
}
