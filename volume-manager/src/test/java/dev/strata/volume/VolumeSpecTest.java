package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The record's own invariants; what the store accepts is {@link VolumeStoreTest}'s subject. */
class VolumeSpecTest {

  @Test
  void new_mutableMaps_copiesThemInTheirOrder() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("type", "tmpfs");
    options.put("device", "tmpfs");
    Map<String, String> labels = new HashMap<>(Map.of("app", "db"));

    VolumeSpec spec = new VolumeSpec(Optional.of("cache"), VolumeStore.LOCAL, options, labels);
    options.put("o", "size=1m");
    labels.clear();

    assertEquals(List.of("type", "device"), List.copyOf(spec.options().keySet()));
    assertEquals(Map.of("app", "db"), spec.labels());
    assertThrows(UnsupportedOperationException.class, () -> spec.options().put("o", "size=1m"));
  }

  @Test
  void new_labelWithEmptyKey_throwsIllegalArgumentQuotingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new VolumeSpec(Optional.empty(), VolumeStore.LOCAL, Map.of(), Map.of("", "db")));
    assertEquals("a volume label has an empty key: '=db'", e.getMessage());
  }

  @Test
  void new_optionWithEmptyKey_throwsIllegalArgumentWithoutItsValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new VolumeSpec(Optional.empty(), VolumeStore.LOCAL, Map.of("", "password=hunter2"), Map.of()));
    assertEquals("a volume option has an empty key", e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"));
  }

  @Test
  void new_nullField_throwsNullPointerNamingIt() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> new VolumeSpec(Optional.empty(), null, Map.of(), Map.of()));
    assertEquals("driver", e.getMessage());
  }
}
