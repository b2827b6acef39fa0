package dev.strata.volume;

import dev.strata.driver.error.FailedPreconditionException;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Picks private MCS levels for containers, as go-selinux's {@code uniqMcs} does: two random
 * distinct categories, ordered. Unlike go-selinux this keeps no process-wide reservation set: the
 * caller passes the pairs its containers hold, so the store that owns the containers is the one
 * source of truth (and a restart cannot forget a reservation).
 *
 * <p>{@code s0:c1022,c1023} is never handed out: go-selinux gives it to {@code label=disable}
 * containers ({@code PrivContainerMountLabel}), and a confined container must not share it.
 *
 * <p>Not thread-safe in the sense that two concurrent callers with the same in-use set may get the
 * same pair; the caller serialises allocation with the act of recording the pair.
 */
public final class McsPairs {

  /** The level every container may use: {@code z} mounts and unconfined content. */
  public static final String SHARED = "s0";

  /** go-selinux's {@code PrivContainerMountLabel} level, kept out of allocation. */
  public static final McsPair PRIVILEGED = new McsPair(McsPair.MAX_CATEGORY - 1, McsPair.MAX_CATEGORY);

  private static final int CATEGORIES = McsPair.MAX_CATEGORY + 1;
  /** Every pair with low < high, less the privileged one. */
  static final int ALLOCATABLE = CATEGORIES * (CATEGORIES - 1) / 2 - 1;
  /**
   * Random draws before falling back to an exact count of free pairs. With half the space in use
   * the chance that 64 draws all collide is 2^-64; the fallback matters only near exhaustion.
   */
  private static final int DRAWS = 64;

  private final Random random;

  /** @param random a {@link java.security.SecureRandom} in production; a seeded one in tests */
  public McsPairs(Random random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** {@value #SHARED}, the level of {@code z} mounts. */
  public String shared() {
    return SHARED;
  }

  /**
   * A pair not in {@code inUse} and not {@link #PRIVILEGED}, chosen uniformly among those.
   *
   * @param inUse pairs the caller's containers already hold
   * @throws FailedPreconditionException when every pair is in use
   */
  public McsPair allocate(Set<McsPair> inUse) throws FailedPreconditionException {
    Objects.requireNonNull(inUse, "inUse");
    for (int i = 0; i < DRAWS; i++) {
      int low = random.nextInt(CATEGORIES);
      int high = random.nextInt(CATEGORIES);
      if (low == high) {
        continue;
      }
      McsPair pair = new McsPair(Math.min(low, high), Math.max(low, high));
      if (!pair.equals(PRIVILEGED) && !inUse.contains(pair)) {
        return pair;
      }
    }
    return pickFree(inUse);
  }

  /** Counts the free pairs and takes the k-th: slow (half a million probes) but always ends. */
  private McsPair pickFree(Set<McsPair> inUse) throws FailedPreconditionException {
    int used = 0;
    for (McsPair pair : inUse) {
      if (!pair.equals(PRIVILEGED)) {
        used++;
      }
    }
    int free = ALLOCATABLE - used;
    if (free <= 0) {
      throw new FailedPreconditionException(
          "mcs",
          "all " + ALLOCATABLE + " private MCS levels are in use; remove stopped containers"
              + " or give some of them a shared level");
    }
    int k = random.nextInt(free);
    for (int low = 0; low < CATEGORIES; low++) {
      for (int high = low + 1; high < CATEGORIES; high++) {
        McsPair pair = new McsPair(low, high);
        if (!pair.equals(PRIVILEGED) && !inUse.contains(pair) && k-- == 0) {
          return pair;
        }
      }
    }
    throw new IllegalStateException("counted " + free + " free MCS pairs but found fewer");
  }
}
