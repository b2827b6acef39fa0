package dev.strata.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Test classes for {@link TestRunTest} to launch; surefire runs none of them itself. */
final class GuestSamples {

  private GuestSamples() {}

  static class Passing {
    @Test
    void one() {
      assertEquals(2, 1 + 1);
    }

    @Test
    void two() {
      assertEquals("ab", "a" + "b");
    }
  }

  static class Failing {
    @Test
    void fails() {
      assertEquals(3, 1 + 1, "a sample that fails on purpose");
    }
  }
}
