package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code volume ls --filter}, applied by {@link VolumeStore#list}. */
class VolumeFilterTest {

  @TempDir Path root;
  private VolumeStore store;

  @BeforeEach
  void open() throws IOException {
    store = VolumeStore.open(root);
    store.create(new VolumeSpec(Optional.of("web-data"), "local", Map.of(), Map.of("app", "web", "tier", "front")));
    store.create(new VolumeSpec(Optional.of("db-data"), "local", Map.of(), Map.of("app", "db")));
    store.create(new VolumeSpec(Optional.of("scratch"), "local", Map.of(), Map.of()));
    store.acquire("db-data", "c1");
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<String> names(String... filters) throws IOException {
    return store.list(VolumeFilter.parse(List.of(filters))).stream().map(Volume::name).toList();
  }

  @Test
  void list_noFilter_returnsAllByName() throws IOException {
    assertEquals(List.of("db-data", "scratch", "web-data"), names());
  }

  @Test
  void list_danglingTrue_returnsUnreferenced() throws IOException {
    assertEquals(List.of("scratch", "web-data"), names("dangling=true"));
    assertEquals(List.of("scratch", "web-data"), names("dangling=1"));
  }

  @Test
  void list_danglingFalse_returnsReferenced() throws IOException {
    assertEquals(List.of("db-data"), names("dangling=false"));
    assertEquals(List.of("db-data"), names("dangling=0"));
  }

  @Test
  void list_nameSubstring_matches() throws IOException {
    assertEquals(List.of("db-data", "web-data"), names("name=data"));
    assertEquals(List.of("scratch"), names("name=crat"));
    assertEquals(List.of(), names("name=nothing"));
  }

  @Test
  void list_labelKey_matchesAnyValue() throws IOException {
    assertEquals(List.of("db-data", "web-data"), names("label=app"));
    assertEquals(List.of("web-data"), names("label=tier"));
  }

  @Test
  void list_labelKeyValue_matchesThatValueOnly() throws IOException {
    assertEquals(List.of("db-data"), names("label=app=db"));
    assertEquals(List.of(), names("label=app=cache"));
  }

  @Test
  void list_driver_matchesLocal() throws IOException {
    assertEquals(List.of("db-data", "scratch", "web-data"), names("driver=local"));
    assertEquals(List.of(), names("driver=nfs"));
  }

  @Test
  void list_severalValuesOfOneKey_areOred() throws IOException {
    assertEquals(List.of("db-data", "scratch"), names("name=db", "name=scratch"));
    assertEquals(List.of("db-data", "web-data"), names("label=app=db", "label=app=web"));
  }

  @Test
  void list_differentKeys_areAnded() throws IOException {
    assertEquals(List.of("web-data"), names("label=app", "dangling=true"));
    assertEquals(List.of(), names("name=scratch", "label=app"));
    assertEquals(List.of("db-data", "web-data"), names("name=data", "name=scratch", "label=app"));
  }

  @Test
  void parse_unknownKey_throwsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> VolumeFilter.parse(List.of("colour=red")));
    assertTrue(e.getMessage().startsWith("invalid filter 'colour'"), e.getMessage());
  }

  @Test
  void parse_badDanglingValue_throwsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> VolumeFilter.parse(List.of("dangling=maybe")));
    assertEquals("invalid value for 'dangling': 'maybe' (use true, false, 1 or 0)", e.getMessage());
  }

  @Test
  void parse_withoutEquals_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> VolumeFilter.parse(List.of("dangling")));
    assertThrows(InvalidArgumentException.class, () -> VolumeFilter.parse(List.of("=x")));
  }
}
