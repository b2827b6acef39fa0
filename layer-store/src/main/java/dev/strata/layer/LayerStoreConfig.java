package dev.strata.layer;

import dev.strata.driver.Mounter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to open a {@link LayerStore}.
 *
 * @param root the store's root, e.g. {@code /var/lib/strata}
 * @param driver the driver's name, or empty to auto-select (see {@code GraphDrivers})
 * @param storageOptions {@code --storage-opt} pairs passed to the driver
 * @param mounter performs mounts; {@link Mounter#system()} in production
 */
public record LayerStoreConfig(Path root, Optional<String> driver, Map<String, String> storageOptions, Mounter mounter) {

  public LayerStoreConfig {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(mounter, "mounter");
    storageOptions = Map.copyOf(storageOptions);
    root = root.toAbsolutePath().normalize();
  }

  public static LayerStoreConfig of(Path root, String driver) {
    return new LayerStoreConfig(root, Optional.of(driver), Map.of(), Mounter.system());
  }
}
