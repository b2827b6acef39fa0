package dev.strata.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds {@code openapi.yaml} to the real answers: every documented JSON GET answers 200 with every
 * field its schema requires, of the documented JSON type, and the file served is the file in the repo.
 */
class OpenApiContractTest {

  @TempDir Path dir;
  private ConsoleRoot console;
  private ApiClient client;
  private JsonNode spec;

  @BeforeEach
  void start() throws Exception {
    console = ConsoleRoot.start(dir, false);
    client = new ApiClient(console).session();
    try (InputStream in = OpenApiContractTest.class.getResourceAsStream("/console/openapi.yaml")) {
      spec = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
  }

  @AfterEach
  void stop() throws Exception {
    console.close();
  }

  @Test
  void everyDocumentedGet_answers200WithEveryRequiredField() throws Exception {
    List<String> checked = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      JsonNode get = path.getValue().get("get");
      if (get == null || !get.get("responses").get("200").get("content").has("application/json")) {
        continue;
      }
      String url = path.getKey().replace("{id}", ConsoleRoot.APP.id()).replace("{name}", "web");
      ApiClient.Answer answer = client.get(url);
      assertEquals(200, answer.status(), url + ": " + answer.body());
      JsonNode schema = get.get("responses").get("200").get("content").get("application/json").get("schema");
      conforms(schema, answer.body(), url);
      checked.add(path.getKey());
    }
    assertEquals(List.of("/api/info", "/api/generation", "/api/df", "/api/images", "/api/images/{id}", "/api/layers",
        "/api/containers", "/api/containers/{name}/diff", "/api/volumes", "/api/check"), checked);
  }

  @Test
  void everyDocumentedAction_isServedAndRefusedWithoutToken() throws Exception {
    int actions = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (String method : List.of("post", "delete")) {
        if (path.getValue().has(method)) {
          String url = path.getKey().replace("{id}", ConsoleRoot.BASE.id()).replace("{name}", "web");
          ApiClient.Answer refused = ApiClient.answer(client.send(java.net.http.HttpRequest.newBuilder(console.uri(url))
              .method(method.toUpperCase(java.util.Locale.ROOT), java.net.http.HttpRequest.BodyPublishers.noBody())));
          assertEquals(403, refused.status(), method + " " + url + ": " + refused.body());
          actions++;
        }
      }
    }
    assertEquals(3, actions);
  }

  @Test
  void servedOpenApi_isTheFileInTheJar() throws Exception {
    String served = client.send(java.net.http.HttpRequest.newBuilder(console.uri("/api/openapi.yaml"))).body();

    assertEquals(spec, new ObjectMapper(new YAMLFactory()).readTree(served));
  }

  private void conforms(JsonNode schema, JsonNode value, String where) {
    if (schema.has("$ref")) {
      String name = schema.get("$ref").asText().substring("#/components/schemas/".length());
      conforms(spec.get("components").get("schemas").get(name), value, where);
      return;
    }
    if (value.isNull()) {
      assertTrue(schema.path("nullable").asBoolean(false), where + " is null but not nullable");
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        assertTrue(value.isObject(), where + " is not an object: " + value);
        for (JsonNode field : schema.path("required")) {
          assertTrue(value.has(field.asText()), where + " lacks " + field.asText() + ": " + value);
        }
        schema.path("properties").fields().forEachRemaining(p -> {
          if (value.has(p.getKey())) {
            conforms(p.getValue(), value.get(p.getKey()), where + "." + p.getKey());
          }
        });
      }
      case "array" -> {
        assertTrue(value.isArray(), where + " is not an array: " + value);
        value.forEach(item -> conforms(schema.get("items"), item, where + "[]"));
      }
      case "string" -> assertTrue(value.isTextual(), where + " is not a string: " + value);
      case "integer" -> assertTrue(value.isIntegralNumber(), where + " is not an integer: " + value);
      case "boolean" -> assertTrue(value.isBoolean(), where + " is not a boolean: " + value);
      default -> { }
    }
  }
}
