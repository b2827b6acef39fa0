package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code volume prune --filter}: which unused volumes a prune takes. */
class PruneFilterTest {

  private static Volume volume(String name, Map<String, String> labels) {
    return new Volume(name, "local", Path.of("/v", name, "_data"), Instant.EPOCH, labels, Map.of(), Set.of(),
        Set.of());
  }

  private static final Volume ANON = volume("a".repeat(64), Map.of(Volume.ANONYMOUS_LABEL, "", "keep", "yes"));
  private static final Volume NAMED = volume("named", Map.of("env", "test"));

  @Test
  void parse_noFilters_takesAnonymousOnly() throws InvalidArgumentException {
    PruneFilter f = PruneFilter.parse(false, List.of());

    assertEquals(PruneFilter.anonymous(), f);
    assertTrue(f.matches(ANON));
    assertFalse(f.matches(NAMED));
  }

  @Test
  void parse_allFlagOrFilter_takesNamedToo() throws InvalidArgumentException {
    assertTrue(PruneFilter.parse(true, List.of()).matches(NAMED));
    assertTrue(PruneFilter.parse(false, List.of("all=true")).matches(NAMED));
    assertTrue(PruneFilter.parse(false, List.of("all=1")).matches(NAMED));
    assertFalse(PruneFilter.parse(false, List.of("all=false")).matches(NAMED));
  }

  @Test
  void parse_labelFilters_mustAllMatch() throws InvalidArgumentException {
    assertTrue(PruneFilter.parse(true, List.of("label=env")).matches(NAMED));
    assertTrue(PruneFilter.parse(true, List.of("label=env=test")).matches(NAMED));
    assertFalse(PruneFilter.parse(true, List.of("label=env=prod")).matches(NAMED));
    assertFalse(PruneFilter.parse(true, List.of("label=env", "label=other")).matches(NAMED));
  }

  @Test
  void parse_notLabelFilters_mustNoneMatch() throws InvalidArgumentException {
    assertFalse(PruneFilter.parse(false, List.of("label!=keep")).matches(ANON));
    assertFalse(PruneFilter.parse(false, List.of("label!=keep=yes")).matches(ANON));
    assertTrue(PruneFilter.parse(false, List.of("label!=keep=no")).matches(ANON));
  }

  @Test
  void parse_unknownKey_throwsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> PruneFilter.parse(false, List.of("until=24h")));
    assertTrue(e.getMessage().startsWith("invalid filter 'until=24h'"), e.getMessage());
  }

  @Test
  void parse_allTwice_throwsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> PruneFilter.parse(false, List.of("all=true", "all=true")));
    assertEquals("invalid filter 'all': only one value may be given", e.getMessage());
  }

  @Test
  void parse_allNotBoolean_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> PruneFilter.parse(false, List.of("all=yes")));
  }

  @Test
  void parse_labelWithoutKey_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> PruneFilter.parse(false, List.of("label=")));
    assertThrows(InvalidArgumentException.class, () -> PruneFilter.parse(false, List.of("label!==x")));
  }
}
