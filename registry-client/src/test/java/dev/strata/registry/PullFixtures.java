package dev.strata.registry;

import dev.strata.testing.LayerTarBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** What the pull tests share: layers big enough to cut mid-body, and a retry policy that records its waits. */
final class PullFixtures {

  /** 4 tries, 10 ms doubling to 100 ms, jitter fixed at 0.75: waits of 7, 15, 30 ms, recorded, not slept. */
  static RetryPolicy recordingRetry(List<Duration> slept) {
    return new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(100), slept::add, () -> 0.5);
  }

  private PullFixtures() {}

  /**
   * {@code count} distinct uncompressed layer tars, each one file of {@code size} seeded random
   * letters, so that their gzip blobs are a good deal larger than the few hundred bytes at which
   * tests cut connections.
   */
  static List<byte[]> layerTars(int count, int size) {
    Random random = new Random(count * 31L + size);
    List<byte[]> tars = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder content = new StringBuilder(size);
      for (int j = 0; j < size; j++) {
        content.append((char) ('a' + random.nextInt(26)));
      }
      tars.add(new LayerTarBuilder().file("layer-" + i + ".txt", content.toString(), 0644).build());
    }
    return tars;
  }

  static TestImage image(List<byte[]> layerTars) {
    return TestImage.of(ManifestFormat.OCI, "amd64", layerTars);
  }
}
