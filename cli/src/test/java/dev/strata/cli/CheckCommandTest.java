package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata check}: what it prints and its exit codes (0 consistent, 8 content lost, 5 otherwise). */
class CheckCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path root;

  @BeforeEach
  void load() throws IOException {
    root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
  }

  @Test
  void check_onCleanRoot_exitsZeroAndSaysConsistent() {
    Cli.Result r = Cli.run(root, "check");
    assertEquals(ExitCodes.OK, r.exit(), r.toString());
    assertEquals("store is consistent (2 layer(s) verified against their DiffID)", r.lines().get(0), r.toString());
  }

  @Test
  void check_withModifiedLayer_exitsCorruptAndNamesTheChainId() throws IOException {
    // The base layer's chain id is its DiffID; only the base has /x (layer two whites it out).
    Files.writeString(layerDirWith("x").resolve("x"), "changed behind the store's back\n");
    String chain = AppImage.image().diffIds().get(0);

    Cli.Result r = Cli.run(root, "check");
    assertEquals(ExitCodes.CORRUPT, r.exit(), r.toString());
    assertTrue(r.lines().get(0).startsWith("MODIFIED_LAYER  " + chain + "  "), r.toString());
    assertEquals("1 problem(s) remain", r.lines().get(1));
  }

  @Test
  void check_repairWithLeftover_exitsZeroSaysRepairedAndNextCheckIsClean() throws IOException {
    Path leftover = Files.createDirectories(root.resolve("tmp/leftover"));

    Cli.Result r = Cli.run(root, "check", "--repair");
    assertEquals(ExitCodes.OK, r.exit(), r.toString());
    assertTrue(r.lines().get(0).startsWith("LEFTOVER_STAGING  " + leftover), r.toString());
    assertTrue(r.lines().get(0).endsWith("[repaired: deleted]"), r.toString());
    assertEquals("every problem found was repaired; the store is consistent", r.lines().get(1));
    assertEquals(ExitCodes.OK, Cli.run(root, "check").exit());
  }

  @Test
  void check_badReferenceCountWithoutRepair_exitsFailedPrecondition() throws IOException {
    Path refs = anyLayerRecord().resolve("references");
    Files.writeString(refs, "7");

    Cli.Result r = Cli.run(root, "check");
    assertEquals(ExitCodes.FAILED_PRECONDITION, r.exit(), r.toString());
    assertTrue(r.lines().get(0).startsWith("BAD_REFERENCE_COUNT  "), r.toString());
    assertEquals("7", Files.readString(refs), "report only must not rewrite it");
  }

  @Test
  void check_formatJson_parsesWithTheSameFindings() throws IOException {
    Files.writeString(anyLayerRecord().resolve("references"), "7");
    Files.createDirectories(root.resolve("tmp/leftover"));
    List<String> table = new ArrayList<>();
    for (String line : Cli.run(root, "check", "--quick").lines()) {
      if (line.matches("[A-Z_]+  .*")) {
        table.add(line.substring(0, line.indexOf("  ", line.indexOf("  ") + 2)));
      }
    }

    Cli.Result r = Cli.run(root, "--format", "json", "check", "--quick");
    assertEquals(ExitCodes.FAILED_PRECONDITION, r.exit(), r.toString());
    JsonNode json = JSON.readTree(r.out());
    assertEquals(false, json.get("consistent").asBoolean());
    List<String> findings = new ArrayList<>();
    json.get("findings").forEach(f -> findings.add(f.get("kind").asText() + "  " + f.get("subject").asText()));
    assertEquals(table, findings);
    assertEquals(2, findings.size(), findings.toString());
    assertEquals(2, json.get("retention").get("layers").size());
  }

  @Test
  void check_quick_skipsContentVerification() throws IOException {
    Files.writeString(layerDirWith("x").resolve("x"), "changed behind the store's back\n");

    Cli.Result r = Cli.run(root, "--format", "json", "check", "--quick");
    assertEquals(ExitCodes.OK, r.exit(), "a quick check does not hash content: " + r);
    JsonNode json = JSON.readTree(r.out());
    assertEquals(0, json.get("verified_layers").asInt());
    assertEquals(0, json.get("findings").size());
  }

  private Path layerDirWith(String file) throws IOException {
    try (Stream<Path> dirs = Files.list(root.resolve("vfs/dir"))) {
      return dirs.filter(d -> Files.exists(d.resolve(file))).findFirst().orElseThrow();
    }
  }

  private Path anyLayerRecord() throws IOException {
    try (Stream<Path> dirs = Files.list(root.resolve("image/vfs/layerdb/sha256"))) {
      return dirs.filter(d -> d.getFileName().toString().matches("[0-9a-f]{64}")).findFirst().orElseThrow();
    }
  }
}
