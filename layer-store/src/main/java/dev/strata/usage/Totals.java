package dev.strata.usage;

/**
 * One row of {@code strata system df}: how many things of a kind there are, how many are in use,
 * the bytes they take and the bytes removing the unused ones would free.
 *
 * @param total how many there are
 * @param active how many are in use (what counts as use depends on the kind: see {@link UsageReport})
 * @param sizeBytes content bytes they take, each byte counted once however many share it
 * @param reclaimableBytes content bytes only unused ones take
 */
public record Totals(int total, int active, long sizeBytes, long reclaimableBytes) {

  public Totals {
    if (total < 0 || active < 0 || active > total) {
      throw new IllegalArgumentException("bad counts: " + active + " active of " + total);
    }
    if (sizeBytes < 0 || reclaimableBytes < 0 || reclaimableBytes > sizeBytes) {
      throw new IllegalArgumentException("bad sizes: " + reclaimableBytes + " reclaimable of " + sizeBytes);
    }
  }
}
