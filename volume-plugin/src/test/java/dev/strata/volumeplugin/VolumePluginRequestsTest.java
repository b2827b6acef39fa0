package dev.strata.volumeplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests a hostile or broken client may send: each is answered with an Err naming the problem. */
class VolumePluginRequestsTest {

  @TempDir Path dir;
  private RunningPlugin plugin;

  @BeforeEach
  void start() throws IOException {
    plugin = RunningPlugin.start(dir);
  }

  @AfterEach
  void stop() throws IOException {
    plugin.close();
  }

  @Test
  void post_unknownPath_answers404WithErr() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Explode", "{}");
    assertEquals(404, answer.status());
    assertEquals("unknown plugin call /VolumeDriver.Explode: this plugin implements VolumeDriver (see /Plugin.Activate)",
        answer.err());
  }

  @Test
  void get_method_answers405WithErr() throws IOException {
    PluginClient.Answer answer = plugin.client.call("GET", "/VolumeDriver.List", new byte[0]);
    assertEquals(405, answer.status());
    assertEquals("POST", answer.headers().get("allow"));
    assertEquals("VolumeDriver.List: only POST is served, not GET", answer.err());
  }

  @Test
  void create_declaredBodyOverLimit_answers413BeforeReadingIt() throws IOException {
    // Only the head is sent: the server must refuse on Content-Length alone (and leaves no unread
    // bytes whose close would reset the connection under the answer).
    String head = "POST /VolumeDriver.Create HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
        + (PluginHandler.MAX_BODY + 1) + "\r\n\r\n";
    PluginClient.Answer answer = plugin.client.exchange(head.getBytes(StandardCharsets.US_ASCII), new byte[0]);
    assertEquals(413, answer.status());
    assertEquals("request body of 1048577 bytes is larger than the 1048576 bytes a plugin call may take", answer.err());
  }

  @Test
  void create_chunkedBodyOverLimit_answers413AfterReadingOneByteTooMany() throws IOException {
    // A chunked body declares no length: the server reads one byte past the limit, then refuses.
    String head = "POST /VolumeDriver.Create HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + Integer.toHexString(PluginHandler.MAX_BODY + 1) + "\r\n";
    byte[] chunk = new byte[PluginHandler.MAX_BODY + 1];
    Arrays.fill(chunk, (byte) ' ');
    byte[] end = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] body = Arrays.copyOf(chunk, chunk.length + end.length);
    System.arraycopy(end, 0, body, chunk.length, end.length);
    PluginClient.Answer answer = plugin.client.exchange(head.getBytes(StandardCharsets.US_ASCII), body);
    assertEquals(413, answer.status());
    assertEquals("request body of more than 1048576 bytes is larger than the 1048576 bytes a plugin call may take",
        answer.err());
  }

  @Test
  void create_bodyCutShort_answers400() throws IOException {
    String head = "POST /VolumeDriver.Create HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100\r\n\r\n";
    PluginClient.Answer answer = plugin.client.exchange(head.getBytes(StandardCharsets.US_ASCII),
        "{\"Name\":".getBytes(StandardCharsets.US_ASCII));
    assertEquals(400, answer.status());
    assertTrue(answer.err().startsWith("request body cannot be read: "), answer.err());
  }

  @Test
  void create_notJson_answers400() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Create", "{\"Name\": \"v1\"");
    assertEquals(400, answer.status());
    assertTrue(answer.err().startsWith("VolumeDriver.Create: body is not valid JSON: "), answer.err());
  }

  @Test
  void create_trailingGarbage_answers400() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"v1\"} {}");
    assertEquals(400, answer.status());
    assertTrue(plugin.volumes.find("v1").isEmpty());
  }

  @Test
  void create_duplicateName_answers400() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"v1\",\"Name\":\"v2\"}");
    assertEquals(400, answer.status());
    assertTrue(answer.err().contains("Duplicate field 'Name'"), answer.err());
  }

  @Test
  void create_arrayBody_answers400() throws IOException {
    assertEquals("VolumeDriver.Create: body must be a JSON object",
        plugin.client.post("/VolumeDriver.Create", "[\"v1\"]").err());
  }

  @Test
  void create_withoutName_answers400() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Create", "{\"Opts\":{}}");
    assertEquals(400, answer.status());
    assertEquals("VolumeDriver.Create: missing \"Name\"", answer.err());
  }

  @Test
  void create_numericName_answers400() throws IOException {
    assertEquals("VolumeDriver.Create: \"Name\" must be a string, not number",
        plugin.client.post("/VolumeDriver.Create", "{\"Name\":7}").err());
  }

  @Test
  void create_optionNotString_answers400WithoutValue() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Create",
        "{\"Name\":\"v1\",\"Opts\":{\"o\":{\"password\":\"secret\"}}}");
    assertEquals(400, answer.status());
    assertEquals("VolumeDriver.Create: option \"o\" must be a string", answer.err());
  }

  @Test
  void create_pathTraversalName_answersStoreNameRule() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"../x\"}");
    assertEquals(200, answer.status());
    assertEquals("\"../x\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed."
        + " If you intended to pass a host directory, use absolute path", answer.err());
    try (var entries = Files.list(plugin.volumes.directory().getParent())) {
      assertTrue(entries.noneMatch(p -> p.getFileName().toString().equals("x")));
    }
  }

  @Test
  void mountAndPath_pathTraversalName_answerNoSuchVolume() throws IOException {
    assertEquals("no such volume: ../volumes (see `strata volume ls`)",
        plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"../volumes\",\"ID\":\"m1\"}").err());
    assertEquals("no such volume: /etc (see `strata volume ls`)",
        plugin.client.post("/VolumeDriver.Path", "{\"Name\":\"/etc\"}").err());
  }

  @Test
  void create_unknownOption_answersStoreMessage() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"v1\",\"Opts\":{\"colour\":\"red\"}}");
    assertEquals(200, answer.status());
    assertEquals("invalid option: \"colour\" (the local driver takes type, device, o, size)", answer.err());
    assertTrue(plugin.volumes.find("v1").isEmpty());
  }

  @Test
  void create_deviceWithoutType_answersStoreMessage() throws IOException {
    assertEquals("missing required option: \"type\" (needed by \"device\")",
        plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"v1\",\"Opts\":{\"device\":\"tmpfs\"}}").err());
  }

  @Test
  void create_emptyOptionKey_answersErr() throws IOException {
    assertEquals("a volume option has an empty key",
        plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"v1\",\"Opts\":{\"\":\"x\"}}").err());
  }

  @Test
  void create_existingWithOtherOptions_answersStoreMessage() throws IOException {
    plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"v1\"}");
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Create",
        "{\"Name\":\"v1\",\"Opts\":{\"type\":\"tmpfs\",\"device\":\"tmpfs\"}}");
    assertTrue(answer.err().startsWith("volume v1 already exists with other options"), answer.err());
  }

  @Test
  void mount_withoutId_answers400() throws IOException {
    plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"v1\"}");
    assertEquals("VolumeDriver.Mount: missing \"ID\"", plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\"}").err());
  }

  @Test
  void mount_idWithSpaces_answersStoreMessage() throws IOException {
    plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"v1\"}");
    assertEquals("reference id 'a b' must be 1 to 256 printable ASCII characters without spaces",
        plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"a b\"}").err());
  }

  @Test
  void post_garbageRequestLine_answers400WithErr() throws IOException {
    byte[] head = "\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    PluginClient.Answer answer = plugin.client.exchange(head, new byte[0]);
    assertEquals(400, answer.status());
    assertTrue(answer.err().startsWith("bad request to the Strata volume plugin: HTTP 400"), answer.json().toString());
  }

  @Test
  void post_unknownFields_areIgnored() throws IOException {
    assertEquals("", plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"v1\",\"Labels\":{\"a\":\"b\"}}").err());
  }
}
