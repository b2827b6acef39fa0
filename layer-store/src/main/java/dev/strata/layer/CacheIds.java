package dev.strata.layer;

import dev.strata.driver.LayerId;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Random driver ids for new layers (Docker's cache-ids): never derived from content digests, so
 * a path on disk says nothing about what a layer holds and two registers never collide.
 */
final class CacheIds {

  private final SecureRandom random = new SecureRandom();

  LayerId next(String suffix) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return LayerId.of(HexFormat.of().formatHex(b) + suffix);
  }
}
