package dev.strata.console;

import dev.strata.container.Container;
import dev.strata.image.Image;
import dev.strata.layer.Layer;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Tells when what the pages show has changed, whichever process changed it: a token, the digest of
 * the images, layers, containers and volumes, that the event stream and {@code /api/generation}
 * hand out.
 *
 * <p>The records' generations cannot be the token themselves: a store opened by a process alone
 * runs its recovery under exclusive holds, which raise them, so each request the console answers
 * would move them and every page would redraw itself forever. They only gate the digest: it is
 * recomputed when they moved (or after {@link #REFRESH}, for a change made between this watch's
 * reading and its closing the stores), and the generations read after closing are taken as seen.
 */
final class ChangeWatch {

  private static final Duration REFRESH = Duration.ofSeconds(10);

  private final StoreAccess access;
  private String seenGeneration = "";
  private String token = "";
  private long computedAt;

  ChangeWatch(StoreAccess access) {
    this.access = access;
  }

  synchronized String token() throws IOException {
    String generation = access.generation();
    if (!generation.equals(seenGeneration) || System.nanoTime() - computedAt > REFRESH.toNanos()) {
      try (OpenStores s = access.open()) {
        token = digest(s);
      }
      seenGeneration = access.generation();
      computedAt = System.nanoTime();
    }
    return token;
  }

  private static String digest(OpenStores s) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    StringBuilder text = new StringBuilder();
    for (Image i : s.images.images()) {
      text.append("image ").append(i.id()).append(' ').append(i.tags()).append('\n');
    }
    for (Layer l : s.layers.layers()) {
      text.append("layer ").append(l.chainId()).append('\n');
    }
    for (Container c : s.containers.list()) {
      text.append("container ").append(c.name()).append(' ').append(s.containers.mountCount(c)).append('\n');
    }
    for (Volume v : s.volumes.list(VolumeFilter.all())) {
      text.append("volume ").append(v.name()).append(' ').append(v.references()).append(' ').append(v.mounts()).append('\n');
    }
    return HexFormat.of().formatHex(sha.digest(text.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
  }
}
