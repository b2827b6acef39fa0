package dev.strata.driver;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Entry point of a driver, found by {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/dev.strata.driver.GraphDriverProvider}. Providers are stateless; all
 * state lives in the {@link GraphDriver} that {@link #open} returns.
 */
public interface GraphDriverProvider {

  /** The driver's name as users type it: {@code vfs}, {@code overlay2}, {@code btrfs}. */
  String name();

  /**
   * Whether this driver can serve {@code home} on this machine (kernel features, filesystem type,
   * privileges). Must not change anything on disk that {@link #open} would not.
   */
  ProbeResult probe(Path home);

  /**
   * Opens the driver on {@code config.home()}, creating it if absent and, when {@code
   * config.sweep()}, sweeping leftovers of an interrupted create or remove and views a previous
   * process left mounted.
   *
   * @throws dev.strata.driver.error.UnsupportedException when {@link #probe} would say unsupported
   * @throws dev.strata.driver.error.InvalidArgumentException for an unknown or malformed option
   */
  GraphDriver open(DriverConfig config) throws IOException;
}
