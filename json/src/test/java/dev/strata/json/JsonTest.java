package dev.strata.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static final String SHA = "sha256:" + "ab".repeat(32);

  record Meta(String name, Map<String, String> labels) {}

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void bytes_tree_isCompactInInsertionOrder() {
    byte[] written = Json.bytes(Json.object().put("b", 1).put("a", "x").set("c", Json.array().add(true)));
    assertEquals("{\"b\":1,\"a\":\"x\",\"c\":[true]}", new String(written, StandardCharsets.UTF_8));
  }

  @Test
  void prettyString_record_isIndentedWithItsComponents() {
    assertEquals("{\n  \"name\" : \"v\",\n  \"labels\" : {\n    \"k\" : \"1\"\n  }\n}",
        Json.prettyString(new Meta("v", Map.of("k", "1"))));
    assertEquals(Json.prettyString(List.of(1)), new String(Json.prettyBytes(List.of(1)), StandardCharsets.UTF_8));
  }

  @Test
  void parse_emptyOrBroken_throwsCorruptNamingTheDocument() {
    CorruptException empty = assertThrows(CorruptException.class, () -> Json.parse(new byte[0], "cfg.json"));
    assertEquals("cfg.json is empty; expected a JSON document", empty.getMessage());
    assertEquals("cfg.json", empty.subject());
    CorruptException broken = assertThrows(CorruptException.class, () -> Json.parse(utf8("{\"a\":"), "cfg.json"));
    assertTrue(broken.getMessage().startsWith("cfg.json is not valid JSON: "), broken.getMessage());
  }

  @Test
  void value_unknownFields_areIgnored() throws IOException {
    Meta meta = Json.value(utf8("{\"name\":\"v\",\"labels\":{},\"Scope\":\"local\"}"), Meta.class);
    assertEquals(new Meta("v", Map.of()), meta);
    assertNull(Json.value(utf8("null"), Meta.class));
  }

  @Test
  void stringMap_scalars_readAsText() throws IOException {
    assertEquals(Map.of("size", "10", "ro", "true"), Json.stringMap(utf8("{\"size\":10,\"ro\":true}")));
    assertThrows(IOException.class, () -> Json.stringMap(utf8("[\"o\"]")));
  }

  @Test
  void fieldAccessors_presentFields_returnTheirValues() throws IOException {
    JsonNode node = Json.parse(utf8("{\"t\":\"x\",\"a\":[1],\"size\":7,\"digest\":\"" + SHA + "\"}"), "doc");
    assertEquals(Optional.of("x"), Json.text(node, "t"));
    assertEquals(Optional.empty(), Json.text(node, "size"));
    assertEquals("x", Json.requiredText(node, "t", "doc"));
    assertEquals(1, Json.requiredArray(node, "a", "doc").size());
    assertEquals(7, Json.nonNegativeLong(node, "size", "doc"));
    assertEquals(Digest.parse(SHA), Json.digest(node, "digest", "doc"));
  }

  @Test
  void fieldAccessors_missingOrWrongFields_throwCorruptNamingDocumentAndField() throws IOException {
    JsonNode node = Json.parse(utf8("{\"t\":1,\"size\":-1,\"digest\":\"sha256:zz\"}"), "doc");
    assertEquals("doc: field 't' is missing or not a string",
        assertThrows(CorruptException.class, () -> Json.requiredText(node, "t", "doc")).getMessage());
    assertEquals("doc: field 'a' is missing or not an array",
        assertThrows(CorruptException.class, () -> Json.requiredArray(node, "a", "doc")).getMessage());
    assertEquals("doc: field 'size' is missing or not a non-negative integer",
        assertThrows(CorruptException.class, () -> Json.nonNegativeLong(node, "size", "doc")).getMessage());
    assertTrue(assertThrows(CorruptException.class, () -> Json.digest(node, "digest", "doc")).getMessage()
        .startsWith("doc: field 'digest': "));
  }

  @Test
  void generatorAndParser_streamOfValues_roundTrips() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartObject();
      g.writeBinaryField("payload", new byte[] {1, 2, 3});
      g.writeEndObject();
    }
    try (JsonParser p = Json.parser(new ByteArrayInputStream(out.toByteArray()))) {
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      assertEquals(JsonToken.FIELD_NAME, p.nextToken());
      p.nextToken();
      assertArrayEquals(new byte[] {1, 2, 3}, p.getBinaryValue());
    }
  }
}
