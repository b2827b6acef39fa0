package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Sizes printed as {@code docker system df} prints them. */
class HumanSizesTest {

  @Test
  void of_sizes_areFourSignificantDigitsIn1000BasedUnits() {
    assertEquals(List.of("0B", "999B", "1kB", "4.128kB", "1.5MB", "1000kB", "2.147GB"),
        List.of(HumanSizes.of(0), HumanSizes.of(999), HumanSizes.of(1000), HumanSizes.of(4128),
            HumanSizes.of(1_500_000), HumanSizes.of(999_960), HumanSizes.of(2_147_483_648L)));
  }

  @Test
  void reclaimable_ofATotal_appendsTheTruncatedPercentageUnlessTheTotalIsZero() {
    assertEquals(List.of("4.005kB (97%)", "0B (0%)", "0B", "1kB (100%)"),
        List.of(HumanSizes.reclaimable(4005, 4128), HumanSizes.reclaimable(0, 57), HumanSizes.reclaimable(0, 0),
            HumanSizes.reclaimable(1000, 1000)));
  }
}
