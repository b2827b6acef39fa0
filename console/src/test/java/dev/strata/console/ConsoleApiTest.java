package dev.strata.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.layer.Layer;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the API answers about a real root, read through a real server on 127.0.0.1. */
class ConsoleApiTest {

  @TempDir Path dir;
  private ConsoleRoot console;
  private ApiClient client;

  @BeforeEach
  void start() throws Exception {
    console = ConsoleRoot.start(dir, false);
    client = new ApiClient(console).session();
  }

  @AfterEach
  void stop() throws Exception {
    console.close();
  }

  @Test
  void df_onSampleRoot_countsEachTypeAsTheStoreRecordsIt() throws Exception {
    Map<String, Long> layerSizes = layerSizes();
    long base = layerSizes.get(ConsoleRoot.BASE.diffIds().get(0));
    long all = layerSizes.values().stream().mapToLong(Long::longValue).sum();

    JsonNode df = client.get("/api/df").body();

    assertEquals(List.of(2, 1, (int) all, 0), totals(df.get("images")).subList(0, 4));
    assertEquals(1, df.get("containers").get("total").asInt());
    assertEquals(0, df.get("containers").get("active").asInt());
    assertEquals(df.get("containers").get("size_bytes").asLong(), df.get("containers").get("reclaimable_bytes").asLong());
    assertEquals(2, df.get("volumes").get("total").asInt());
    assertEquals(1, df.get("volumes").get("active").asInt());
    assertTrue(base > 0 && all > base, "layer sizes " + layerSizes);
  }

  @Test
  void images_sharedBaseLayer_splitsSharedAndUniqueSizes() throws Exception {
    Map<String, Long> sizes = layerSizes();
    long base = sizes.get(ConsoleRoot.BASE.diffIds().get(0));
    long second = sizes.get(ConsoleRoot.APP.diffIds().get(1));

    Map<String, JsonNode> byTag = byField(client.get("/api/images").body(), i -> i.get("repo_tags").get(0).asText());

    JsonNode app = byTag.get("app:1");
    assertEquals(List.of(base + second, base, second, 1L),
        List.of(app.get("size_bytes").asLong(), app.get("shared_size_bytes").asLong(),
            app.get("unique_size_bytes").asLong(), app.get("containers").asLong()));
    JsonNode only = byTag.get("base:1");
    assertEquals(List.of(base, base, 0L, 0L),
        List.of(only.get("size_bytes").asLong(), only.get("shared_size_bytes").asLong(),
            only.get("unique_size_bytes").asLong(), only.get("containers").asLong()));
  }

  @Test
  void imageDetail_sampleImage_showsConfigAndLayerTable() throws Exception {
    JsonNode image = client.get("/api/images/" + ConsoleRoot.APP.id()).body();

    assertEquals("[\"/bin/sh\"]", image.get("config").get("Cmd").toString());
    assertEquals("{\"comment\":\"two layers\"}", image.get("config").get("Labels").toString());
    assertTrue(image.get("config").get("Entrypoint").isNull());
    assertEquals(2, image.get("layers").size());
    assertEquals(ConsoleRoot.APP.diffIds().get(1), image.get("layers").get(1).get("diff_id").asText());
    assertEquals(1, image.get("layers").get(1).get("order").asInt());
  }

  @Test
  void imageDetail_historyWithEmptyLayerEntries_namesTheStepThatMadeEachLayer() throws Exception {
    List<byte[]> layers = List.of(SampleLayers.single("one"), SampleLayers.single("two"));
    SampleImage plain = SampleImage.of(layers, "history");
    String diffIds = plain.diffIds().stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(","));
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\"]},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]},\"history\":["
        + "{\"created_by\":\"ADD base\"},{\"created_by\":\"ENV A=1\",\"empty_layer\":true},"
        + "{\"created_by\":\"RUN make\"}]}";
    SampleImage image = new SampleImage(layers, config.getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of("hist:1"));
    ConsoleRoot.load(console.config, dir.resolve("hist"), image);

    JsonNode detail = client.get("/api/images/" + image.id()).body();

    assertEquals(List.of("ADD base", "RUN make"),
        List.of(detail.get("layers").get(0).get("created_by").asText(), detail.get("layers").get(1).get("created_by").asText()));
    assertEquals("[\"A=1\"]", detail.get("config").get("Env").toString());
  }

  @Test
  void imageDetail_bareHexId_isTheSameImage() throws Exception {
    String hex = ConsoleRoot.APP.id().substring("sha256:".length());

    assertEquals(ConsoleRoot.APP.id(), client.get("/api/images/" + hex).body().get("id").asText());
  }

  @Test
  void layers_baseLayer_listsBothImagesAndChildHasItAsParent() throws Exception {
    List<JsonNode> layers = new ArrayList<>();
    client.get("/api/layers").body().forEach(layers::add);

    assertEquals(2, layers.size());
    JsonNode base = layers.stream().filter(l -> l.get("parent").isNull()).findFirst().orElseThrow();
    JsonNode child = layers.stream().filter(l -> !l.get("parent").isNull()).findFirst().orElseThrow();
    assertEquals(2, base.get("images").size());
    assertEquals(base.get("chain_id").asText(), child.get("parent").asText());
    assertEquals(1, child.get("images").size());
  }

  @Test
  void containers_sampleContainer_showsImageVolumesAndNoChanges() throws Exception {
    JsonNode web = client.get("/api/containers").body().get(0);

    assertEquals("web", web.get("name").asText());
    assertEquals("app:1", web.get("image").asText());
    assertEquals(ConsoleRoot.APP.id(), web.get("image_id").asText());
    assertFalse(web.get("mounted").asBoolean());
    assertEquals("[\"data\"]", web.get("volumes").toString());
    assertEquals("[]", client.get("/api/containers/web/diff").body().toString());
  }

  @Test
  void volumes_sampleVolumes_markTheUnusedOne() throws Exception {
    Map<String, JsonNode> byName = byField(client.get("/api/volumes").body(), v -> v.get("name").asText());

    assertEquals("[\"web\"]", byName.get("data").get("containers").toString());
    assertFalse(byName.get("data").get("unused").asBoolean());
    assertEquals("{\"app\":\"web\"}", byName.get("data").get("labels").toString());
    assertTrue(byName.get("scratch").get("unused").asBoolean());
    assertEquals("local", byName.get("scratch").get("driver").asText());
  }

  @Test
  void check_consistentRoot_reportsNoFindingsAndRetention() throws Exception {
    JsonNode check = client.get("/api/check").body();

    assertTrue(check.get("consistent").asBoolean(), check.toString());
    assertEquals(0, check.get("findings").size());
    assertEquals(2, check.get("retention").get("layers").size());
  }

  @Test
  void generation_afterLoadInAnotherStore_changes() throws Exception {
    String before = client.get("/api/generation").body().get("generation").asText();

    ConsoleRoot.load(console.config, dir.resolve("more"),
        SampleImage.of(List.of(SampleLayers.single("late")), "late", "late:1"));

    assertNotEquals(before, client.get("/api/generation").body().get("generation").asText());
    assertEquals(3, client.get("/api/images").body().size());
  }

  @Test
  void generation_afterReadsThatOpenTheStores_staysTheSame() throws Exception {
    String before = client.get("/api/generation").body().get("generation").asText();

    for (String read : List.of("/api/df", "/api/images", "/api/layers", "/api/containers", "/api/volumes")) {
      assertEquals(200, client.get(read).status(), read);
    }

    assertEquals(before, client.get("/api/generation").body().get("generation").asText(),
        "reading must not look like a change, or every page would redraw itself forever");
  }

  @Test
  void events_loadInAnotherStore_sendsAChangeEventWithTheNewGeneration() throws Exception {
    java.net.http.HttpResponse<java.util.stream.Stream<String>> stream = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(console.uri("/api/events")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElseThrow());
    java.util.Iterator<String> lines = stream.body().filter(l -> l.startsWith("data: ")).iterator();
    java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      String first = reader.submit(lines::next).get(90, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("data: {\"generation\":\"" + client.get("/api/generation").body().get("generation").asText() + "\"}",
          first);

      ConsoleRoot.load(console.config, dir.resolve("more"),
          SampleImage.of(List.of(SampleLayers.single("late")), "late", "late:1"));

      String next = reader.submit(lines::next).get(90, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("data: {\"generation\":\"" + client.get("/api/generation").body().get("generation").asText() + "\"}",
          next);
      assertNotEquals(first, next);
    } finally {
      stream.body().close();
      reader.shutdownNow();
    }
  }

  @Test
  void deleteImage_unusedWithToken_removesItFromTheStore() throws Exception {
    ApiClient.Answer removed = client.action("DELETE", "/api/images/" + ConsoleRoot.BASE.id());

    assertEquals(200, removed.status(), removed.body().toString());
    assertEquals("[\"" + ConsoleRoot.BASE.id() + "\"]", removed.body().get("deleted").toString());
    try (OpenStores s = console.stores()) {
      assertEquals(List.of("app:1"), s.images.images().stream()
          .flatMap(i -> i.tags().stream()).map(Object::toString).toList());
    }
  }

  @Test
  void deleteImage_usedByContainer_answers409AndKeepsIt() throws Exception {
    ApiClient.Answer refused = client.action("DELETE", "/api/images/" + ConsoleRoot.APP.id());

    assertEquals(409, refused.status());
    assertTrue(refused.body().get("error").asText().contains("web"), refused.body().toString());
    assertEquals(2, client.get("/api/images").body().size());
  }

  @Test
  void deleteContainer_withToken_removesItAndFreesItsVolume() throws Exception {
    ApiClient.Answer removed = client.action("DELETE", "/api/containers/web");

    assertEquals(200, removed.status(), removed.body().toString());
    assertEquals("[]", client.get("/api/containers").body().toString());
    try (OpenStores s = console.stores()) {
      assertEquals(List.of(), List.copyOf(s.volumes.get("data").references()));
    }
  }

  @Test
  void pruneVolumes_withToken_removesOnlyTheUnusedOne() throws Exception {
    ApiClient.Answer pruned = client.action("POST", "/api/volumes/prune");

    assertEquals(200, pruned.status(), pruned.body().toString());
    assertEquals("[\"scratch\"]", pruned.body().get("deleted").toString());
    assertEquals(1, client.get("/api/volumes").body().size());
  }

  private Map<String, Long> layerSizes() throws Exception {
    try (OpenStores s = console.stores()) {
      return s.layers.layers().stream().collect(Collectors.toMap(l -> l.diffId().toString(), Layer::size));
    }
  }

  private static List<Integer> totals(JsonNode t) {
    return List.of(t.get("total").asInt(), t.get("active").asInt(), (int) t.get("size_bytes").asLong(),
        (int) t.get("reclaimable_bytes").asLong());
  }

  private static Map<String, JsonNode> byField(JsonNode array, java.util.function.Function<JsonNode, String> key) {
    Map<String, JsonNode> out = new java.util.HashMap<>();
    array.forEach(n -> out.put(key.apply(n), n));
    return out;
  }
}
