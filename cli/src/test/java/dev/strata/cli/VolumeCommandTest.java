package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.volume.VolumeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata volume}: create, ls, inspect, rm and prune as {@code docker volume} behaves. */
class VolumeCommandTest {

  private static final String SECRET_OPTS = "o=addr=1.2.3.4,username=u,password=s3cr3t-pw,rw";

  @TempDir Path root;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void create_named_printsNameAndMakesData() {
    Cli.Result r = Cli.ok(root, "volume", "create", "pgdata");

    assertEquals(List.of("pgdata"), r.lines());
    assertTrue(Files.isDirectory(root.resolve("volumes/pgdata/_data")));
  }

  @Test
  void create_withoutName_printsAnonymousHexName() {
    Cli.Result r = Cli.ok(root, "volume", "create");

    assertTrue(r.out().strip().matches("[0-9a-f]{64}"), r.out());
  }

  @Test
  void create_sameNameSameOptions_printsSameVolume() {
    Cli.ok(root, "volume", "create", "--label", "app=db", "v1");

    Cli.Result again = Cli.ok(root, "volume", "create", "--label", "app=db", "v1");

    assertEquals(List.of("v1"), again.lines());
  }

  @Test
  void create_sameNameOtherLabels_exitsAlreadyExists() {
    Cli.ok(root, "volume", "create", "--label", "app=db", "v1");

    Cli.Result r = Cli.run(root, "volume", "create", "--label", "app=web", "v1");

    assertEquals(ExitCodes.ALREADY_EXISTS, r.exit(), r.toString());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("volume v1 already exists with other options"), r.err());
  }

  @Test
  void create_labelWithoutValue_setsEmptyLabel() throws Exception {
    Cli.ok(root, "volume", "create", "--label", "backup", "v1");

    JsonNode v = json.readTree(Cli.ok(root, "volume", "inspect", "v1").out()).get(0);

    assertEquals("", v.get("Labels").get("backup").asText());
  }

  @Test
  void create_invalidName_exitsInvalidArgumentWithDockersRule() {
    Cli.Result r = Cli.run(root, "volume", "create", "a/b");

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
    assertTrue(r.err().contains("\"a/b\" includes invalid characters for a local volume name, only "
        + "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed"), r.err());
    assertFalse(Files.exists(root.resolve("volumes/a")));
  }

  @Test
  void create_unknownOptionKey_exitsInvalidArgument() {
    Cli.Result r = Cli.run(root, "volume", "create", "-o", "colour=red", "v1");

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
    assertTrue(r.err().contains("invalid option: \"colour\""), r.err());
  }

  @Test
  void create_deviceWithoutType_exitsInvalidArgument() {
    Cli.Result r = Cli.run(root, "volume", "create", "-o", "device=/dev/sdz", "v1");

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
    assertTrue(r.err().contains("missing required option: \"type\""), r.err());
  }

  @Test
  void create_optionWithoutEquals_exitsInvalidArgument() {
    Cli.Result r = Cli.run(root, "volume", "create", "-o", "type", "v1");

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
    assertTrue(r.err().contains("expected key=value"), r.err());
  }

  @Test
  void create_optionValueWithEquals_keepsRestOfValue() throws Exception {
    Cli.ok(root, "volume", "create", "-o", "type=nfs", "-o", "device=:/export", "-o", "o=addr=1.2.3.4,rw", "nfs1");

    JsonNode v = json.readTree(Cli.ok(root, "volume", "inspect", "nfs1").out()).get(0);

    assertEquals("addr=1.2.3.4,rw", v.get("Options").get("o").asText());
    assertEquals("nfs", v.get("Options").get("type").asText());
  }

  @Test
  void create_unknownDriver_exitsInvalidArgument() {
    Cli.Result shortFlag = Cli.run(root, "volume", "create", "-d", "nfs-plugin", "v1");
    Cli.Result longFlag = Cli.run(root, "volume", "create", "--driver", "nfs-plugin", "v1");

    assertEquals(ExitCodes.INVALID_ARGUMENT, shortFlag.exit(), shortFlag.toString());
    assertEquals(ExitCodes.INVALID_ARGUMENT, longFlag.exit(), longFlag.toString());
    assertTrue(longFlag.err().contains("unknown volume driver 'nfs-plugin'"), longFlag.err());
  }

  @Test
  void create_driverLocalAfterCreate_isTheVolumeDriver() {
    // Cli.run also passes the global --driver vfs before `volume`: that one is the graph driver.
    assertEquals(List.of("v1"), Cli.ok(root, "volume", "create", "--driver", "local", "v1").lines());
    assertEquals(List.of("v2"), Cli.ok(root, "volume", "create", "-d", "local", "v2").lines());
  }

  @Test
  void ls_table_printsDockersColumnsByName() {
    Cli.ok(root, "volume", "create", "b-vol");
    Cli.ok(root, "volume", "create", "a-vol");

    Cli.Result r = Cli.ok(root, "volume", "ls");

    assertEquals(List.of("DRIVER   VOLUME NAME", "local    a-vol", "local    b-vol"), r.lines());
  }

  @Test
  void ls_quiet_printsNamesOnly() {
    Cli.ok(root, "volume", "create", "a-vol");
    Cli.ok(root, "volume", "create", "b-vol");

    assertEquals(List.of("a-vol", "b-vol"), Cli.ok(root, "volume", "ls", "-q").lines());
  }

  @Test
  void ls_filters_selectByDanglingNameLabelAndDriver() throws Exception {
    Cli.ok(root, "volume", "create", "--label", "app=db", "db-data");
    Cli.ok(root, "volume", "create", "--label", "app=web", "web-data");
    Cli.ok(root, "volume", "create", "--label", "tier", "cache");
    try (VolumeStore store = VolumeStore.open(root)) {
      store.acquire("db-data", "c1");
    }

    assertEquals(List.of("cache", "web-data"), Cli.ok(root, "volume", "ls", "-q", "-f", "dangling=true").lines());
    assertEquals(List.of("db-data"), Cli.ok(root, "volume", "ls", "-q", "--filter", "dangling=false").lines());
    assertEquals(List.of("db-data", "web-data"), Cli.ok(root, "volume", "ls", "-q", "-f", "name=-data").lines());
    assertEquals(List.of("db-data", "web-data"), Cli.ok(root, "volume", "ls", "-q", "-f", "label=app").lines());
    assertEquals(List.of("web-data"), Cli.ok(root, "volume", "ls", "-q", "-f", "label=app=web").lines());
    assertEquals(List.of("cache"), Cli.ok(root, "volume", "ls", "-q", "-f", "label=tier").lines());
    assertEquals(3, Cli.ok(root, "volume", "ls", "-q", "-f", "driver=local").lines().size());
    assertEquals(List.of(), Cli.ok(root, "volume", "ls", "-q", "-f", "driver=nfs").lines());
    assertEquals(List.of("web-data"),
        Cli.ok(root, "volume", "ls", "-q", "-f", "label=app", "-f", "dangling=true").lines());
  }

  @Test
  void ls_unknownFilter_exitsInvalidArgument() {
    Cli.Result r = Cli.run(root, "volume", "ls", "-f", "colour=red");

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
    assertTrue(r.err().contains("invalid filter 'colour'"), r.err());
  }

  @Test
  void ls_badDanglingValue_exitsInvalidArgument() {
    assertEquals(ExitCodes.INVALID_ARGUMENT, Cli.run(root, "volume", "ls", "-f", "dangling=maybe").exit());
  }

  @Test
  void ls_json_printsDockerKeysAndRefCount() throws Exception {
    Cli.ok(root, "volume", "create", "--label", "app=db", "v1");
    try (VolumeStore store = VolumeStore.open(root)) {
      store.acquire("v1", "c1");
    }

    JsonNode all = json.readTree(Cli.ok(root, "--format", "json", "volume", "ls").out());
    JsonNode same = json.readTree(Cli.ok(root, "volume", "ls", "--format", "json").out());

    assertEquals(all, same);
    assertEquals(1, all.size());
    JsonNode v = all.get(0);
    assertEquals("v1", v.get("Name").asText());
    assertEquals("local", v.get("Driver").asText());
    assertEquals("local", v.get("Scope").asText());
    assertEquals(root.resolve("volumes/v1/_data").toString(), v.get("Mountpoint").asText());
    assertEquals("db", v.get("Labels").get("app").asText());
    assertTrue(v.get("Options").isObject());
    assertTrue(v.get("CreatedAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), v.toString());
    assertEquals(1, v.get("UsageData").get("RefCount").asInt());
  }

  @Test
  void inspect_found_printsArrayInDockersShape() throws Exception {
    Cli.ok(root, "volume", "create", "v1");
    Cli.ok(root, "volume", "create", "v2");

    JsonNode r = json.readTree(Cli.ok(root, "volume", "inspect", "v1", "v2").out());

    assertEquals(2, r.size());
    assertEquals("v2", r.get(1).get("Name").asText());
    List<String> keys = new java.util.ArrayList<>();
    r.get(0).fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"), keys);
  }

  @Test
  void inspect_oneMissing_printsFoundThenExitsNotFound() throws Exception {
    Cli.ok(root, "volume", "create", "v1");

    Cli.Result r = Cli.run(root, "volume", "inspect", "v1", "ghost");

    assertEquals(ExitCodes.NOT_FOUND, r.exit(), r.toString());
    assertEquals("v1", json.readTree(r.out()).get(0).get("Name").asText());
    assertEquals(1, json.readTree(r.out()).size());
    assertTrue(r.err().strip().startsWith("strata: no such volume: ghost"), r.err());
  }

  @Test
  void rm_existing_printsNameAndRemoves() {
    Cli.ok(root, "volume", "create", "v1");

    assertEquals(List.of("v1"), Cli.ok(root, "volume", "rm", "v1").lines());
    assertFalse(Files.exists(root.resolve("volumes/v1")));
  }

  @Test
  void rm_missing_goesOnAndExitsNotFound() {
    Cli.ok(root, "volume", "create", "v1");

    Cli.Result r = Cli.run(root, "volume", "rm", "ghost", "v1");

    assertEquals(ExitCodes.NOT_FOUND, r.exit(), r.toString());
    assertEquals(List.of("v1"), r.lines());
    assertEquals("strata: no such volume: ghost", r.err().strip());
  }

  @Test
  void rm_forceMissing_succeeds() {
    assertEquals(List.of("ghost"), Cli.ok(root, "volume", "rm", "-f", "ghost").lines());
  }

  @Test
  void rm_inUse_exitsFailedPreconditionNamingContainer() throws Exception {
    Cli.ok(root, "volume", "create", "v1");
    try (VolumeStore store = VolumeStore.open(root)) {
      store.acquire("v1", "c1");
    }

    Cli.Result r = Cli.run(root, "volume", "rm", "-f", "v1");

    assertEquals(ExitCodes.FAILED_PRECONDITION, r.exit(), r.toString());
    assertEquals("strata: remove v1: volume is in use - [c1]", r.err().strip());
    assertTrue(Files.isDirectory(root.resolve("volumes/v1/_data")));
  }

  @Test
  void prune_default_removesOnlyUnusedAnonymous() throws Exception {
    String used = Cli.ok(root, "volume", "create").out().strip();
    String unused = Cli.ok(root, "volume", "create").out().strip();
    Cli.ok(root, "volume", "create", "named");
    try (VolumeStore store = VolumeStore.open(root)) {
      store.acquire(used, "c1");
    }

    Cli.Result r = Cli.ok(root, "volume", "prune", "--force");

    assertDeleted(r, unused);
    assertEquals(List.of(used, "named").stream().sorted().toList(), Cli.ok(root, "volume", "ls", "-q").lines());
  }

  @Test
  void prune_all_removesUnusedNamedToo() throws Exception {
    String used = Cli.ok(root, "volume", "create").out().strip();
    Cli.ok(root, "volume", "create", "named");
    try (VolumeStore store = VolumeStore.open(root)) {
      store.acquire(used, "c1");
    }

    Cli.Result r = Cli.ok(root, "volume", "prune", "-a", "-f");

    assertDeleted(r, "named");
    assertEquals(List.of(used), Cli.ok(root, "volume", "ls", "-q").lines());
  }

  @Test
  void prune_labelFilters_selectVolumes() {
    Cli.ok(root, "volume", "create", "--label", "keep", "kept");
    Cli.ok(root, "volume", "create", "--label", "env=test", "test-vol");
    Cli.ok(root, "volume", "create", "other");

    Cli.Result r = Cli.ok(root, "volume", "prune", "--all", "--filter", "label!=keep", "--filter", "label=env=test",
        "--force");

    assertDeleted(r, "test-vol");
    assertEquals(List.of("kept", "other"), Cli.ok(root, "volume", "ls", "-q").lines());
  }

  @Test
  void prune_nothingToRemove_printsZero() {
    Cli.ok(root, "volume", "create", "named");

    assertEquals(List.of("Total reclaimed space: 0B"), Cli.ok(root, "volume", "prune", "-f").lines());
  }

  @Test
  void prune_withData_reportsReclaimedBytes() throws Exception {
    Cli.ok(root, "volume", "create", "big");
    Files.write(root.resolve("volumes/big/_data/blob"), new byte[200_000]);

    Cli.Result r = Cli.ok(root, "volume", "prune", "--all", "--force");

    String total = r.lastLine();
    assertTrue(total.matches("Total reclaimed space: [0-9.]+kB"), r.toString());
    double kb = Double.parseDouble(total.replaceAll("[^0-9.]", ""));
    assertTrue(kb >= 200, total);
  }

  @Test
  void prune_withoutForceOrTerminal_refusesAsUsageError() {
    Cli.ok(root, "volume", "create");

    Cli.Result r = Cli.run(root, "volume", "prune");

    assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
    assertTrue(r.err().contains("pass --force"), r.err());
    assertEquals(1, Cli.ok(root, "volume", "ls", "-q").lines().size());
  }

  @Test
  void prune_unknownFilter_exitsInvalidArgument() {
    Cli.Result r = Cli.run(root, "volume", "prune", "--filter", "dangling=true", "--force");

    assertEquals(ExitCodes.INVALID_ARGUMENT, r.exit(), r.toString());
  }

  @Test
  void password_inOptions_neverPrinted() throws Exception {
    String[] create = {"volume", "create", "-o", "type=cifs", "-o", "device=//server/share", "-o", SECRET_OPTS, "sec"};
    Cli.ok(root, create);

    List<Cli.Result> outputs = List.of(
        Cli.ok(root, "volume", "ls", "--format", "json"),
        Cli.ok(root, "volume", "inspect", "sec"),
        Cli.run(root, "volume", "create", "-o", "type=cifs", "-o", "device=//server/other", "-o", SECRET_OPTS, "sec"),
        Cli.run(root, "volume", "create", "-o", SECRET_OPTS, "-o", "type=cifs", "-o", "size=oops", "bad"),
        Cli.run(root, "volume", "create", "-o", "=" + SECRET_OPTS, "bad"),
        Cli.run(root, "--debug", "volume", "create", "-o", SECRET_OPTS, "bad"));

    for (Cli.Result r : outputs) {
      assertFalse(r.toString().contains("s3cr3t-pw"), r.toString());
    }
    assertEquals(ExitCodes.ALREADY_EXISTS, outputs.get(2).exit(), outputs.get(2).toString());
    JsonNode shown = json.readTree(outputs.get(1).out()).get(0).get("Options");
    assertEquals("addr=1.2.3.4,username=u,password=********,rw", shown.get("o").asText());
  }

  @Test
  void help_listsSubcommands() {
    Cli.Result r = Cli.ok(root, "volume", "--help");

    for (String sub : List.of("create", "ls", "inspect", "rm", "prune")) {
      assertTrue(r.out().contains("  " + sub), r.out());
    }
  }

  @Test
  void volume_storesNothingOutsideVolumes_opensNoDriver() {
    Cli.ok(root, "volume", "ls");

    assertTrue(Files.isDirectory(root.resolve("volumes")));
    assertFalse(Files.exists(root.resolve("vfs")), "a volume command opened the layer store");
  }

  /**
   * Docker's prune report for {@code names}. The total is not checked: an empty volume still holds
   * its {@code _data} directory's block, which the store counts.
   */
  private static void assertDeleted(Cli.Result r, String... names) {
    List<String> lines = r.lines();
    List<String> expected = new java.util.ArrayList<>(List.of("Deleted Volumes:"));
    expected.addAll(List.of(names));
    expected.add("");
    assertEquals(expected, lines.subList(0, lines.size() - 1), r.toString());
    assertTrue(r.lastLine().matches("Total reclaimed space: [0-9.]+k?B"), r.toString());
  }
}
