package dev.strata.driver.overlay2;

import dev.strata.driver.ByteSizes;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import java.util.Map;
import java.util.Optional;

/**
 * The storage options of a writable overlay2 layer: {@code size=} (bytes, with Docker's binary
 * units: {@code 512k}, {@code 50M}, {@code 10g}, {@code 64MiB}, {@code 1.5GB}, any case) and {@code
 * inodes=} (a count), both enforced through xfs project quotas.
 */
final class StorageOptions {

  static final String SIZE = "size";
  static final String INODES = "inodes";

  /** A floor against slips such as {@code size=64} meaning 64 bytes. */
  static final long MIN_SIZE = 1L << 20;

  /** Limits for one layer; 0 is "no limit" for either. */
  record Limits(long bytes, long inodes) {}

  private StorageOptions() {}

  /**
   * The limits asked for, if any.
   *
   * @param unsupported why quotas cannot be had here, when they cannot
   * @throws InvalidArgumentException for a malformed value (quoted) or a size below 1M
   * @throws UnsupportedException for an unknown key, or a limit where quotas cannot be had
   */
  static Optional<Limits> limits(LayerId id, Map<String, String> options, Optional<String> unsupported)
      throws InvalidArgumentException, UnsupportedException {
    for (String key : options.keySet()) {
      if (!key.equals(SIZE) && !key.equals(INODES)) {
        throw new UnsupportedException(key, "overlay2 does not support storage option " + key
            + " (layer " + id + "); overlay2 knows size= and inodes=");
      }
    }
    if (options.isEmpty()) {
      return Optional.empty();
    }
    long bytes = 0;
    long inodes = 0;
    String size = options.get(SIZE);
    if (size != null) {
      bytes = ByteSizes.parse(SIZE, size);
      if (bytes < MIN_SIZE) {
        throw new InvalidArgumentException(SIZE, "size=" + size + " for layer " + id
            + " is below 1M; ask for more");
      }
    }
    String count = options.get(INODES);
    if (count != null) {
      inodes = parseInodes(count);
    }
    if (unsupported.isPresent()) {
      String key = size != null ? SIZE : INODES;
      throw new UnsupportedException(key, "overlay2 quota option " + key + "=" + options.get(key)
          + " (layer " + id + ") cannot be honoured: " + unsupported.get() + "; or drop the option");
    }
    return Optional.of(new Limits(bytes, inodes));
  }

  static long parseInodes(String value) throws InvalidArgumentException {
    String message = "inodes=" + value + " is not a positive count of files";
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(INODES, message, e);
    }
    if (n <= 0) {
      throw new InvalidArgumentException(INODES, message);
    }
    return n;
  }
}
