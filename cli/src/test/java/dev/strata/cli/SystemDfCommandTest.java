package dev.strata.cli;

import dev.strata.console.ConsoleServer;
import dev.strata.layer.LayerStoreConfig;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.files.MountTable;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata system df}: the app image (98 content bytes in two layers: six small files), container c1 mounted
 * with volume "data" and c2 unmounted, each having written a file, and an unused volume "spare".
 */
class SystemDfCommandTest {

  @TempDir Path tmp;
  private Path root;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void build() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "containers' root filesystems are real mounts");
    root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
    Cli.ok(root, "create", "--name", "c1", "-v", "data:/data", AppImage.TAG);
    Cli.ok(root, "create", "--name", "c2", AppImage.TAG);
    Path c2 = Path.of(Cli.ok(root, "mount", "c2").lastLine());
    Files.write(c2.resolve("c2-file"), new byte[2500]);
    Cli.ok(root, "umount", "c2");
    Path c1 = Path.of(Cli.ok(root, "mount", "c1").lastLine());
    Files.write(c1.resolve("c1-file"), new byte[1000]);
    Cli.ok(root, "volume", "create", "spare");
    Files.write(root.resolve("volumes/spare/_data/f"), new byte[3000]);
  }

  @AfterEach
  void cleanUp() throws IOException {
    if (root == null) {
      return;
    }
    Cli.run(root, "umount", "c1");
    List<Path> left = MountTable.self().mountPointsUnder(tmp);
    for (Path p : left) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), left, "mounts left behind");
  }

  @Test
  void df_table_printsDockersSummaryWithHumanSizesAndPercentages() {
    Cli.Result r = Cli.ok(root, "system", "df");

    assertEquals(List.of(
        "TYPE            TOTAL   ACTIVE   SIZE    RECLAIMABLE",
        "Images          1       1        98B     0B (0%)",
        "Containers      2       1        3.5kB   2.5kB (71%)",
        "Local Volumes   2       1        3kB     3kB (100%)"), r.lines());
  }

  @Test
  void df_verbose_listsImagesContainersAndVolumes() {
    Cli.Result r = Cli.ok(root, "system", "df", "-v");

    List<String> lines = r.lines();
    assertEquals("Images space usage:", lines.get(0));
    assertEquals(List.of("REPOSITORY", "TAG", "IMAGE", "ID", "CREATED", "SIZE", "SHARED", "SIZE", "UNIQUE", "SIZE",
        "CONTAINERS"), List.of(lines.get(2).split(" +")));
    assertEquals(List.of("test/app", "1.0", AppImage.id().substring(7, 19)),
        List.of(lines.get(3).split(" +")).subList(0, 3));
    int containers = lines.indexOf("Containers space usage:");
    assertEquals(List.of("c1", AppImage.TAG, "1kB"), List.of(lines.get(containers + 3).split(" +")).subList(0, 3));
    assertEquals(List.of("c2", AppImage.TAG, "2.5kB"), List.of(lines.get(containers + 4).split(" +")).subList(0, 3));
    int volumes = lines.indexOf("Local Volumes space usage:");
    assertEquals(List.of("VOLUME NAME   LINKS   SIZE", "data          1       0B", "spare         0       3kB"),
        lines.subList(volumes + 2, volumes + 5));
  }

  @Test
  void df_formatJson_printsOneObjectWithByteCountsThatParsesBack() throws IOException {
    JsonNode df = json.readTree(Cli.ok(root, "--format", "json", "system", "df").out());

    assertEquals(json.readTree("""
        {"images":{"total":1,"active":1,"size_bytes":98,"reclaimable_bytes":0},
         "containers":{"total":2,"active":1,"size_bytes":3500,"reclaimable_bytes":2500},
         "volumes":{"total":2,"active":1,"size_bytes":3000,"reclaimable_bytes":3000}}"""), df);
  }

  @Test
  void df_formatJsonVerbose_addsTheListsWithByteCounts() throws IOException {
    JsonNode df = json.readTree(Cli.ok(root, "--format", "json", "system", "df", "-v").out());

    JsonNode image = df.get("images").get("list").get(0);
    assertEquals(List.of(AppImage.id(), "[\"test/app:1.0\"]", "98", "0", "98", "2"), List.of(
        image.get("id").asText(), image.get("repo_tags").toString(), image.get("size_bytes").asText(),
        image.get("shared_size_bytes").asText(), image.get("unique_size_bytes").asText(),
        image.get("containers").asText()));
    JsonNode c2 = df.get("containers").get("list").get(1);
    assertEquals(List.of("c2", "[\"c2\"]", AppImage.TAG, "2500"), List.of(c2.get("id").asText(),
        c2.get("names").toString(), c2.get("image").asText(), c2.get("size_bytes").asText()));
    assertEquals(json.readTree("[{\"name\":\"data\",\"links\":1,\"size_bytes\":0},"
        + "{\"name\":\"spare\",\"links\":0,\"size_bytes\":3000}]"), df.get("volumes").get("list"));
  }

  @Test
  void df_afterAnotherProcessUnmountsAVolume_showsTheSizeThatProcessCounted() throws Exception {
    assertEquals(0, volumeSize("data"), "counted at the first df, while c1 has it mounted");
    Files.write(root.resolve("volumes/data/_data/written"), new byte[4321]);
    assertEquals(0, volumeSize("data"), "mounted: the figure from before the mount stands");

    new StrataProcess(root, "vfs", tmp.resolve("logs"), ChildJvm.plain().command()).runToEnd("umount", "c1");

    assertEquals(4321, volumeSize("data"));
  }

  private long volumeSize(String name) throws IOException {
    JsonNode list = json.readTree(Cli.ok(root, "--format", "json", "system", "df", "-v").out())
        .get("volumes").get("list");
    for (JsonNode v : list) {
      if (v.get("name").asText().equals(name)) {
        return v.get("size_bytes").asLong();
      }
    }
    throw new AssertionError("no volume " + name + " in " + list);
  }

  @Test
  void df_json_equalsWhatTheWebConsoleShows() throws Exception {
    JsonNode command = json.readTree(Cli.ok(root, "--format", "json", "system", "df").out());
    JsonNode console;
    try (ConsoleServer server = ConsoleServer.start(new InetSocketAddress("127.0.0.1", 0),
        LayerStoreConfig.of(root, "vfs"), true)) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(server.uri().resolve("/api/df")).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      console = json.readTree(r.body());
    }
    for (String type : List.of("images", "containers", "volumes")) {
      for (String field : List.of("total", "active", "size_bytes", "reclaimable_bytes")) {
        assertEquals(command.get(type).get(field), console.get(type).get(field),
            type + "." + field + ": strata system df vs the console's /api/df");
      }
    }
  }
}
