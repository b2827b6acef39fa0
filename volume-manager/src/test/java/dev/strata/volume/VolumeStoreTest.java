package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.testing.SurroundingsSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Creating, finding, referencing and removing volumes. */
class VolumeStoreTest {

  @TempDir Path root;
  private VolumeStore store;

  @BeforeEach
  void open() throws IOException {
    store = VolumeStore.open(root);
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    Host.cleanUp(root);
  }

  private Volume create(String name) throws IOException {
    return store.create(new VolumeSpec(Optional.of(name), "local", Map.of(), Map.of()));
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void create_named_laysOutDockerDirectoriesAndPrivateFiles() throws IOException {
    Volume v = store.create(new VolumeSpec(Optional.of("pgdata"), "local", Map.of(), Map.of("app", "db")));

    Path volumes = root.resolve("volumes");
    assertEquals("rwx-----x", mode(volumes));
    assertEquals("rwx-----x", mode(volumes.resolve("pgdata")));
    assertEquals("rwxr-xr-x", mode(volumes.resolve("pgdata/_data")));
    for (String file : List.of("opts.json", "volume.json", "state.json")) {
      assertEquals("rw-------", mode(volumes.resolve("pgdata").resolve(file)), file);
    }
    assertEquals(volumes.resolve("pgdata/_data"), v.mountpoint());
    assertEquals("pgdata", v.name());
    assertEquals("local", v.driver());
    assertEquals(Map.of("app", "db"), v.labels());
    assertEquals(Map.of(), v.options());
    assertFalse(v.anonymous());
    assertTrue(v.dangling());
    assertEquals(Set.of(), v.mounts());
    assertEquals(v, store.get("pgdata"));
  }

  @Test
  void create_sameNameOptionsAndLabels_returnsTheSameVolume() throws IOException {
    Map<String, String> opts = Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m");
    Volume first = store.create(new VolumeSpec(Optional.of("cache"), "local", opts, Map.of("a", "1")));
    Volume again = store.create(new VolumeSpec(Optional.of("cache"), "local", opts, Map.of("a", "1")));

    assertEquals(first.createdAt(), again.createdAt());
    assertEquals(first, again);
    assertEquals(1, store.list(VolumeFilter.all()).size());
  }

  @Test
  void create_sameNameOtherOptions_throwsAlreadyExists() throws IOException {
    store.create(new VolumeSpec(Optional.of("cache"), "local", Map.of(), Map.of()));

    AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> store.create(
        new VolumeSpec(Optional.of("cache"), "local", Map.of("type", "tmpfs", "device", "tmpfs"), Map.of())));
    assertEquals("cache", e.subject());
  }

  @Test
  void create_sameNameOtherLabels_throwsAlreadyExists() throws IOException {
    store.create(new VolumeSpec(Optional.of("cache"), "local", Map.of(), Map.of("a", "1")));

    assertThrows(AlreadyExistsException.class,
        () -> store.create(new VolumeSpec(Optional.of("cache"), "local", Map.of(), Map.of("a", "2"))));
    assertThrows(AlreadyExistsException.class, () -> create("cache"));
  }

  @Test
  void create_anonymous_names64HexDigitsAndLabelsAnonymous() throws IOException {
    Volume a = store.create(new VolumeSpec(Optional.empty(), "local", Map.of(), Map.of("x", "y")));
    Volume b = store.create(new VolumeSpec(Optional.empty(), "local", Map.of(), Map.of()));

    assertTrue(a.name().matches("[0-9a-f]{64}"), a.name());
    assertTrue(a.anonymous());
    assertEquals(Map.of(Volume.ANONYMOUS_LABEL, "", "x", "y"), a.labels());
    assertFalse(a.name().equals(b.name()));
    assertTrue(Files.isDirectory(root.resolve("volumes").resolve(a.name()).resolve("_data")));
  }

  @Test
  void create_oneCharacterName_throwsInvalidArgumentTooShort() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> create("a"));
    assertEquals("volume name is too short, names should be at least two alphanumeric characters", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {".hello", "hello world", "a/b", "-ab", "../etc"})
  void create_invalidCharacters_throwsInvalidArgumentInDockersWords(String name) throws IOException {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> create(name));
    assertEquals("\"" + name + "\" includes invalid characters for a local volume name, only"
        + " \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path",
        e.getMessage());
    assertEquals(List.of(), store.list(VolumeFilter.all()));
    try (var entries = Files.list(root.resolve("volumes"))) {
      assertTrue(entries.noneMatch(p -> !p.getFileName().toString().startsWith(".")));
    }
  }

  @Test
  void create_nameOf300Characters_throwsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> create("a".repeat(300)));
    assertEquals("volume name is longer than 255 characters", e.getMessage());
  }

  @Test
  void create_nameOf255Characters_succeeds() throws IOException {
    assertEquals("a".repeat(255), create("a".repeat(255)).name());
  }

  @Test
  void create_unknownDriver_throwsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> store.create(new VolumeSpec(Optional.of("vol"), "nfsplugin", Map.of(), Map.of())));
    assertEquals("unknown volume driver 'nfsplugin': only 'local' is built in", e.getMessage());
  }

  @Test
  void create_sizeWithoutProjectQuotas_throwsUnsupportedAndCreatesNothing() throws IOException {
    dev.strata.driver.error.UnsupportedException e = assertThrows(dev.strata.driver.error.UnsupportedException.class,
        () -> store.create(new VolumeSpec(Optional.of("sized"), "local", Map.of("size", "10m"), Map.of())));
    assertTrue(e.getMessage().startsWith("quota size requested but no quota support: "), e.getMessage());
    assertTrue(store.find("sized").isEmpty());
  }

  @Test
  void create_unknownOption_throwsInvalidArgumentNamingIt() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> store.create(new VolumeSpec(Optional.of("vol"), "local", Map.of("foo", "bar"), Map.of())));
    assertTrue(e.getMessage().startsWith("invalid option: \"foo\""), e.getMessage());
    assertFalse(Files.exists(root.resolve("volumes/vol")));
  }

  @Test
  void obtain_existingWithOptions_returnsItUnchanged() throws IOException {
    Volume made = store.create(new VolumeSpec(Optional.of("cache"), "local", Map.of("type", "tmpfs", "device", "tmpfs"),
        Map.of("k", "v")));

    assertEquals(made, store.obtain("cache"));
  }

  @Test
  void obtain_missing_createsPlainVolume() throws IOException {
    Volume v = store.obtain("fresh");

    assertEquals(Map.of(), v.options());
    assertEquals(Map.of(), v.labels());
    assertEquals(v, store.get("fresh"));
  }

  @Test
  void obtain_invalidName_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> store.obtain("a/b"));
  }

  @Test
  void get_missing_throwsNotFound() {
    assertThrows(NotFoundException.class, () -> store.get("nothere"));
    assertThrows(NotFoundException.class, () -> store.get("../volumes"));
  }

  @Test
  void acquire_sameReferenceTwice_countsOnce() throws IOException {
    create("vol");
    store.acquire("vol", "c1");
    store.acquire("vol", "c1");

    assertEquals(Set.of("c1"), store.get("vol").references());
    assertFalse(store.get("vol").dangling());
    assertTrue(store.release("vol", "c1"));
    assertEquals(Set.of(), store.get("vol").references());
    assertFalse(store.release("vol", "c1"));
  }

  @Test
  void acquire_missingVolume_throwsNotFound() {
    assertThrows(NotFoundException.class, () -> store.acquire("nothere", "c1"));
  }

  @Test
  void acquire_badReferenceId_throwsInvalidArgument() throws IOException {
    create("vol");
    assertThrows(InvalidArgumentException.class, () -> store.acquire("vol", "has space"));
    assertThrows(InvalidArgumentException.class, () -> store.acquire("vol", ""));
  }

  @Test
  void release_unknownReference_returnsFalseAndChangesNothing() throws IOException {
    create("vol");
    store.acquire("vol", "c1");

    assertFalse(store.release("vol", "c2"));
    assertFalse(store.release("nothere", "c1"));
    assertEquals(Set.of("c1"), store.get("vol").references());
  }

  @Test
  void acquire_closeAndReopen_referencesSurvive() throws IOException {
    create("vol");
    store.acquire("vol", "c1");
    store.acquire("vol", "c2");
    store.close();

    store = VolumeStore.open(root);
    assertEquals(Set.of("c1", "c2"), store.get("vol").references());
  }

  @Test
  void close_thenUse_throwsIllegalState() throws IOException {
    create("vol");
    store.close();
    store.close();

    assertThrows(IllegalStateException.class, () -> store.get("vol"));
    assertThrows(IllegalStateException.class, () -> create("other"));
  }

  @Test
  void remove_referenced_throwsFailedPreconditionListingContainers() throws IOException {
    create("vol");
    store.acquire("vol", "c2");
    store.acquire("vol", "c1");

    FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> store.remove("vol", false));
    assertEquals("remove vol: volume is in use - [c1, c2]", e.getMessage());
    FailedPreconditionException forced = assertThrows(FailedPreconditionException.class,
        () -> store.remove("vol", true));
    assertEquals("remove vol: volume is in use - [c1, c2]", forced.getMessage());
    assertTrue(Files.isDirectory(store.get("vol").mountpoint()));
  }

  @Test
  void remove_afterRelease_deletesVolumeAndData() throws IOException {
    Volume v = create("vol");
    Files.writeString(v.mountpoint().resolve("f"), "data");
    store.acquire("vol", "c1");
    store.release("vol", "c1");

    store.remove("vol", false);

    assertFalse(Files.exists(root.resolve("volumes/vol")));
    assertEquals(Optional.empty(), store.find("vol"));
    try (var entries = Files.list(root.resolve("volumes"))) {
      assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith(".trash-")));
    }
  }

  @Test
  void remove_missing_throwsNotFound() {
    assertThrows(NotFoundException.class, () -> store.remove("nothere", false));
  }

  @Test
  void remove_missingWithForce_succeedsAndTouchesNothing() throws IOException {
    Volume kept = create("kept");
    Files.writeString(kept.mountpoint().resolve("f"), "data");
    Map<String, String> before = SurroundingsSnapshot.of(root, p -> false);

    assertDoesNotThrow(() -> store.remove("nothere", true), "docker volume rm -f of a missing volume succeeds");

    assertEquals(before, SurroundingsSnapshot.of(root, p -> false));
    assertEquals(List.of(kept), store.list(VolumeFilter.all()));
  }

  @Test
  void remove_withOutstandingMount_throwsFailedPrecondition() throws IOException {
    create("vol");
    store.mount("vol", "m1");

    FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> store.remove("vol", true));
    assertTrue(e.getMessage().contains("volume has active mounts"), e.getMessage());
    assertTrue(store.unmount("vol", "m1"));
    store.remove("vol", false);
  }

  @Test
  void remove_dataSymlinkedOutsideVolumes_throwsFailedPreconditionAndKeepsTarget() throws IOException {
    Volume v = create("vol");
    Path outside = Files.createDirectory(root.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "keep me");
    Files.createDirectory(outside.resolve("sub"));
    Files.writeString(outside.resolve("sub/also"), "keep me too");
    Files.delete(v.mountpoint());
    Files.createSymbolicLink(v.mountpoint(), outside);

    assertThrows(FailedPreconditionException.class, () -> store.remove("vol", false));
    assertThrows(FailedPreconditionException.class, () -> store.remove("vol", true));

    assertEquals("keep me", Files.readString(outside.resolve("precious")));
    assertEquals("keep me too", Files.readString(outside.resolve("sub/also")));
    assertTrue(store.find("vol").isPresent());
  }

  @Test
  void remove_dataDeletedByHand_removesTheRest() throws IOException {
    Volume v = create("vol");
    Files.delete(v.mountpoint());

    store.remove("vol", false);

    assertFalse(Files.exists(root.resolve("volumes/vol")));
  }

  @Test
  void size_afterWriting_countsAllocatedBlocks() throws IOException {
    Volume v = create("vol");
    Files.write(v.mountpoint().resolve("f"), new byte[100_000]);

    assertTrue(store.size("vol") >= 100_000, String.valueOf(store.size("vol")));
  }
}
