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
 * @param callerSyncs whether the caller, not the driver, makes created layers durable: false (the
 *     default) for a driver used alone, which flushes each new layer's record itself before the
 *     record's name appears; true for a caller that makes the whole filesystem durable ({@code
 *     syncfs(2)} of the home's filesystem) before it publishes anything naming a new layer, as the
 *     layer store does. The driver then skips that flush (on btrfs an {@code fsync}, a log commit,
 *     costs most of a snapshot's time again), and a power cut before the caller's sync may lose the
 *     layer: what is left of it is swept whole by the next sweeping open. A driver may keep
 *     flushing anyway; vfs and btrfs skip it
 */
public record DriverConfig(Path home, Map<String, String> options, Mounter mounter, boolean sweep,
    boolean callerSyncs) {

  public DriverConfig {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(mounter, "mounter");
    if (!home.isAbsolute()) {
      throw new IllegalArgumentException("driver home must be absolute: '" + home + "'");
    }
    options = Map.copyOf(options);
  }

  /** The driver makes its layers durable itself. */
  public DriverConfig(Path home, Map<String, String> options, Mounter mounter, boolean sweep) {
    this(home, options, mounter, sweep, false);
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
    return new DriverConfig(home, copy, mounter, sweep, callerSyncs);
  }

  public DriverConfig withMounter(Mounter other) {
    return new DriverConfig(home, options, other, sweep, callerSyncs);
  }

  public DriverConfig withSweep(boolean on) {
    return new DriverConfig(home, options, mounter, on, callerSyncs);
  }

  public DriverConfig withCallerSyncs(boolean on) {
    return new DriverConfig(home, options, mounter, sweep, on);
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
