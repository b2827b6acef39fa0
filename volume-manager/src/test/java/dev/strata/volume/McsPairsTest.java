package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class McsPairsTest {

  @Test
  void allocate_5000TimesWithGrowingInUseSet_allDistinctOrderedAndInRange() throws Exception {
    McsPairs pairs = new McsPairs(new Random(42));
    Set<McsPair> inUse = new HashSet<>();

    for (int i = 0; i < 5000; i++) {
      McsPair pair = pairs.allocate(inUse);
      assertTrue(pair.low() >= 0 && pair.low() < pair.high() && pair.high() <= 1023, pair.level());
      assertNotEquals(McsPairs.PRIVILEGED, pair);
      assertTrue(inUse.add(pair), "allocated twice: " + pair);
    }
    assertEquals(5000, inUse.size());
  }

  @Test
  void allocate_allButOneInUse_returnsTheFreeOne() throws Exception {
    McsPair free = new McsPair(17, 600);
    Set<McsPair> inUse = everyPairExcept(free);

    assertEquals(free, new McsPairs(new Random(1)).allocate(inUse));
  }

  @Test
  void allocate_everyPairInUse_throwsFailedPrecondition() {
    Set<McsPair> inUse = everyPairExcept(null);

    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> new McsPairs(new Random(1)).allocate(inUse));
    assertTrue(e.getMessage().contains("in use"), e.getMessage());
  }

  @Test
  void allocate_onlyPrivilegedPairFree_throwsFailedPrecondition() {
    Set<McsPair> inUse = everyPairExcept(McsPairs.PRIVILEGED);

    assertThrows(FailedPreconditionException.class,
        () -> new McsPairs(new Random(1)).allocate(inUse));
  }

  @Test
  void shared_always_isS0() {
    assertEquals("s0", new McsPairs(new Random(0)).shared());
  }

  @Test
  void parse_validLevel_roundTrips() throws Exception {
    McsPair pair = McsPair.parse("s0:c1,c1023");

    assertEquals(new McsPair(1, 1023), pair);
    assertEquals("s0:c1,c1023", pair.level());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "s0", "s0:c1", "s0:c2,c1", "s0:c1,c1", "s0:c1,c1024", "s1:c1,c2", "s0:c-1,c2",
      "s0:c1,c2,c3", "s0:c1.c2", " s0:c1,c2", "s0:c1,c2 "})
  void parse_invalidLevel_throwsInvalidArgumentQuotingIt(String level) {
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> McsPair.parse(level));

    assertTrue(e.getMessage().contains("'" + level + "'"), e.getMessage());
  }

  @Test
  void constructor_outOfOrder_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new McsPair(5, 5));
    assertThrows(IllegalArgumentException.class, () -> new McsPair(-1, 5));
  }

  private static Set<McsPair> everyPairExcept(McsPair free) {
    Set<McsPair> all = new HashSet<>();
    for (int low = 0; low <= McsPair.MAX_CATEGORY; low++) {
      for (int high = low + 1; high <= McsPair.MAX_CATEGORY; high++) {
        McsPair pair = new McsPair(low, high);
        if (!pair.equals(free)) {
          all.add(pair);
        }
      }
    }
    return all;
  }
}
