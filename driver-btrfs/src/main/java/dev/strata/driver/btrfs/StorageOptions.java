package dev.strata.driver.btrfs;

import dev.strata.driver.ByteSizes;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The storage options of a writable btrfs layer: {@code size=} alone, a quota in bytes with an
 * optional binary suffix ({@code 512M}, {@code 10G}, {@code 1.5g}, {@code 64MiB}), as Docker's
 * {@code --storage-opt size=} takes it.
 */
final class StorageOptions {

  static final String SIZE = "size";

  /** A floor against slips such as {@code size=64} meaning 64 bytes. */
  static final long MIN_SIZE = 1L << 20;

  private StorageOptions() {}

  /**
   * The quota asked for, if any.
   *
   * @throws UnsupportedException for a key other than {@code size}, or {@code size} without quota support
   * @throws InvalidArgumentException for a malformed or too small size
   */
  static OptionalLong quota(LayerId id, Map<String, String> options, boolean quotaSupported)
      throws UnsupportedException, InvalidArgumentException {
    for (String key : options.keySet()) {
      if (!key.equals(SIZE)) {
        throw new UnsupportedException(key, "btrfs does not support storage option " + key
            + " (layer " + id + "); btrfs knows only size=");
      }
    }
    String value = options.get(SIZE);
    if (value == null) {
      return OptionalLong.empty();
    }
    if (!quotaSupported) {
      throw new UnsupportedException(SIZE, "btrfs quota option size=" + value + " (layer " + id
          + ") needs qgroups, which need root here; run as root or drop the option");
    }
    long bytes = ByteSizes.parse(SIZE, value);
    if (bytes < MIN_SIZE) {
      throw new InvalidArgumentException(SIZE, "size=" + value + " for layer " + id
          + " is below the 1M btrfs quotas need; ask for more");
    }
    return OptionalLong.of(bytes);
  }
}
