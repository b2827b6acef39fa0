package dev.strata.volumeplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.volume.Volume;
import dev.strata.volume.VolumeSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumePluginServerTest {

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
  void activate_always_implementsVolumeDriver() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/Plugin.Activate", "null");
    assertEquals(200, answer.status());
    assertEquals(PluginAnswers.CONTENT_TYPE, answer.headers().get("content-type"));
    assertEquals("{\"Implements\":[\"VolumeDriver\"]}", answer.json().toString());
  }

  @Test
  void activate_asDockerSendsIt_withBlankHost_implementsVolumeDriver() throws IOException {
    // Byte for byte what Docker 20.10's Go client writes to a plugin's unix socket.
    String head = "POST /Plugin.Activate HTTP/1.1\r\nHost: \r\nUser-Agent: Go-http-client/1.1\r\n"
        + "Content-Length: 0\r\nAccept: application/vnd.docker.plugins.v1.2+json\r\n"
        + "Accept-Encoding: gzip\r\n\r\n";
    PluginClient.Answer answer = plugin.client.exchange(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[0]);
    assertEquals(200, answer.status());
    assertEquals("{\"Implements\":[\"VolumeDriver\"]}", answer.json().toString());
  }

  @Test
  void capabilities_always_scopeLocal() throws IOException {
    assertEquals("{\"Capabilities\":{\"Scope\":\"local\"}}",
        plugin.client.post("/VolumeDriver.Capabilities", "{}").json().toString());
  }

  @Test
  void create_withOptions_createsStoreVolumeWithThem() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Create",
        "{\"Name\":\"v1\",\"Opts\":{\"type\":\"tmpfs\",\"device\":\"tmpfs\",\"o\":\"size=1m\"}}");
    assertEquals(200, answer.status());
    assertEquals("{}", answer.json().toString());
    Volume v = plugin.volumes.get("v1");
    assertEquals(Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m"), v.options());
    assertEquals(VolumeStore.LOCAL, v.driver());
  }

  @Test
  void create_withNullOpts_createsPlainVolume() throws IOException {
    assertEquals("", plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"v1\",\"Opts\":null}").err());
    assertEquals(Map.of(), plugin.volumes.get("v1").options());
  }

  @Test
  void create_sameNameAndOptionsTwice_succeedsBothTimes() throws IOException {
    String body = "{\"Name\":\"v1\",\"Opts\":{}}";
    assertEquals("", plugin.client.post("/VolumeDriver.Create", body).err());
    assertEquals("", plugin.client.post("/VolumeDriver.Create", body).err());
  }

  @Test
  void get_existingVolume_answersNameMountpointCreatedAt() throws IOException {
    Volume v = plugin.volumes.create(new VolumeSpec(Optional.of("v1"), VolumeStore.LOCAL, Map.of(), Map.of()));
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Get", "{\"Name\":\"v1\"}");
    assertEquals(200, answer.status());
    assertEquals("v1", answer.json().path("Volume").path("Name").asText());
    assertEquals(v.mountpoint().toString(), answer.json().path("Volume").path("Mountpoint").asText());
    assertEquals(v.createdAt(), Instant.parse(answer.json().path("Volume").path("CreatedAt").asText()));
    assertEquals("", answer.err());
  }

  @Test
  void get_missingVolume_answersStoreMessage() throws IOException {
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Get", "{\"Name\":\"nope\"}");
    assertEquals(200, answer.status());
    assertEquals("no such volume: nope (see `strata volume ls`)", answer.err());
  }

  @Test
  void list_volumesOfStore_answersEveryOneByName() throws IOException {
    plugin.volumes.create(new VolumeSpec(Optional.of("made-by-strata"), VolumeStore.LOCAL, Map.of(), Map.of()));
    plugin.client.post("/VolumeDriver.Create", "{\"Name\":\"made-by-docker\"}");
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.List", "{}");
    List<String> names = StreamSupport.stream(answer.json().path("Volumes").spliterator(), false)
        .map(v -> v.path("Name").asText()).sorted().toList();
    assertEquals(List.of("made-by-docker", "made-by-strata"), names);
  }

  @Test
  void path_existingVolume_answersDataDirectory() throws IOException {
    Volume v = plugin.volumes.create(new VolumeSpec(Optional.of("v1"), VolumeStore.LOCAL, Map.of(), Map.of()));
    assertEquals(v.mountpoint().toString(),
        plugin.client.post("/VolumeDriver.Path", "{\"Name\":\"v1\"}").json().path("Mountpoint").asText());
  }

  @Test
  void remove_unusedVolume_removesItFromStore() throws IOException {
    plugin.volumes.create(new VolumeSpec(Optional.of("v1"), VolumeStore.LOCAL, Map.of(), Map.of()));
    assertEquals("", plugin.client.post("/VolumeDriver.Remove", "{\"Name\":\"v1\"}").err());
    assertTrue(plugin.volumes.find("v1").isEmpty());
  }

  @Test
  void remove_volumeReferencedByStrataContainer_answersStoreRefusal() throws IOException {
    plugin.volumes.create(new VolumeSpec(Optional.of("v1"), VolumeStore.LOCAL, Map.of(), Map.of()));
    plugin.volumes.acquire("v1", "c1");
    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Remove", "{\"Name\":\"v1\"}");
    assertEquals(200, answer.status());
    assertEquals("remove v1: volume is in use - [c1]", answer.err());
    assertTrue(plugin.volumes.find("v1").isPresent());
  }

  @Test
  void remove_missingVolume_answersStoreMessage() throws IOException {
    assertEquals("no such volume: v9", plugin.client.post("/VolumeDriver.Remove", "{\"Name\":\"v9\"}").err());
  }

  @Test
  void start_onExistingSocket_throwsFileAlreadyExists() {
    assertThrows(FileAlreadyExistsException.class, () -> VolumePluginServer.start(plugin.server.socket(), plugin.volumes));
  }

  @Test
  void close_afterSocketRenamedAndTwice_succeedsAndStopsServing() throws IOException {
    Path moved = dir.resolve("moved.sock");
    Files.move(plugin.server.socket(), moved);
    PluginClient atMoved = new PluginClient(moved);
    assertEquals(200, atMoved.post("/Plugin.Activate", "null").status());
    plugin.server.close();
    plugin.server.close();
    assertThrows(IOException.class, () -> atMoved.post("/Plugin.Activate", "null"));
    assertFalse(Files.exists(plugin.server.socket()));
  }
}
