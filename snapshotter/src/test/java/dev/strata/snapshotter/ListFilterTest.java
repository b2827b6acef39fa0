package dev.strata.snapshotter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListFilterTest {

  private static final SnapshotRecord COMMITTED = new SnapshotRecord("ns/1/sha256:abc", "ns/0/base",
      Kind.COMMITTED, "l1", Map.of("containerd.io/snapshot.ref", "sha256:abc", "plain", "a,b"),
      "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z");

  private static boolean matches(String... filters) throws InvalidArgumentException {
    return ListFilter.parse(List.of(filters)).matches(COMMITTED);
  }

  @Test
  void matches_noFilters_matchesEverything() throws InvalidArgumentException {
    assertTrue(matches());
  }

  @Test
  void matches_selectorsOfEachField_compareExactly() throws InvalidArgumentException {
    assertTrue(matches("name==ns/1/sha256:abc"));
    assertTrue(matches("parent==\"ns/0/base\""));
    assertTrue(matches("kind==committed"));
    assertFalse(matches("kind==active"));
    assertTrue(matches("labels.\"containerd.io/snapshot.ref\"==sha256:abc"));
    assertTrue(matches("labels.plain==\"a,b\""));
    assertTrue(matches("labels.plain"));
    assertFalse(matches("labels.absent"));
    assertTrue(matches("labels.absent!=x"));
  }

  @Test
  void matches_commaJoinsAndListAlternates() throws InvalidArgumentException {
    assertFalse(matches("kind==committed,name==other"));
    assertTrue(matches("kind==view", "kind==committed,parent!=other"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"name~=x", "size==1", "labels", "name==", "name==\"open", "kind==committed,", "==x",
      "name==a\"b\""})
  void parse_unsupportedOrMalformed_invalidArgument(String filter) {
    assertThrows(InvalidArgumentException.class, () -> ListFilter.parse(List.of(filter)));
  }

  @Test
  void parse_oversizeFilter_invalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> ListFilter.parse(List.of("name==" + "x".repeat(5000))));
  }
}
