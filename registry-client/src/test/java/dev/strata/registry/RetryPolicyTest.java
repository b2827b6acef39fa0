package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static RetryPolicy policy(double jitter) {
    return new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000), d -> { }, () -> jitter);
  }

  @Test
  void delay_doublesUpToMax() {
    RetryPolicy p = policy(0.999999);
    assertEquals(99, p.delay(1, Optional.empty()).toMillis());
    assertEquals(199, p.delay(2, Optional.empty()).toMillis());
    assertEquals(399, p.delay(3, Optional.empty()).toMillis());
    assertEquals(999, p.delay(5, Optional.empty()).toMillis());
    assertEquals(999, p.delay(60, Optional.empty()).toMillis());
  }

  @Test
  void delay_jitterScalesToAtLeastHalf() {
    assertEquals(50, policy(0).delay(1, Optional.empty()).toMillis());
    assertEquals(400, policy(0).delay(4, Optional.empty()).toMillis());
  }

  @Test
  void delay_longerRetryAfter_isHonouredButCapped() {
    assertEquals(Duration.ofSeconds(7), policy(0).delay(1, Optional.of(Duration.ofSeconds(7))));
    assertEquals(RetryPolicy.MAX_RETRY_AFTER, policy(0).delay(1, Optional.of(Duration.ofHours(1))));
    assertEquals(50, policy(0).delay(1, Optional.of(Duration.ZERO)).toMillis());
  }

  @Test
  void retryable_onlyTransientStatuses() {
    for (int s : new int[] {429, 500, 502, 503, 504}) {
      assertTrue(RetryPolicy.retryable(s), "" + s);
    }
    for (int s : new int[] {200, 400, 401, 403, 404, 416, 501}) {
      assertFalse(RetryPolicy.retryable(s), "" + s);
    }
  }

  @Test
  void constructor_badValues_throwIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, d -> { }, () -> 0));
    assertThrows(IllegalArgumentException.class,
        () -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1), d -> { }, () -> 0));
  }
}
