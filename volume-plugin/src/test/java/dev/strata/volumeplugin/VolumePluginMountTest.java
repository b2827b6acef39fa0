package dev.strata.volumeplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker's mount ids: one mount each, kept across a restart of the plugin. Mounts tmpfs, so root only (CI is root). */
class VolumePluginMountTest {

  private static final String TMPFS = "{\"Name\":\"v1\",\"Opts\":{\"type\":\"tmpfs\",\"device\":\"tmpfs\",\"o\":\"size=1m\"}}";

  @TempDir Path dir;
  private RunningPlugin plugin;

  @BeforeEach
  void start() throws IOException {
    plugin = RunningPlugin.start(dir);
  }

  @AfterEach
  void stop() throws IOException, InterruptedException {
    try {
      if (plugin.volumes.find("v1").isPresent()) {
        for (String id : plugin.volumes.get("v1").mounts()) {
          plugin.volumes.unmount("v1", id);
        }
      }
    } finally {
      plugin.close();
      // Whatever a failed test left mounted in its directory goes with it.
      Path data = dir.resolve("strata/volumes/v1/_data");
      while (mounted(data)) {
        new ProcessBuilder("umount", data.toString()).inheritIO().start().waitFor();
      }
    }
  }

  @Test
  void mount_twoIds_oneMountEachAndSameMountpoint() throws IOException {
    plugin.client.post("/VolumeDriver.Create", TMPFS);
    PluginClient.Answer first = plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"a\"}");
    PluginClient.Answer second = plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"b\"}");

    Path data = plugin.volumes.get("v1").mountpoint();
    assertEquals(data.toString(), first.json().path("Mountpoint").asText());
    assertEquals(data.toString(), second.json().path("Mountpoint").asText());
    assertEquals(Set.of("a", "b"), plugin.volumes.get("v1").mounts());
    assertTrue(mounted(data));
  }

  @Test
  void mount_sameIdTwice_countsOnce() throws IOException {
    plugin.client.post("/VolumeDriver.Create", TMPFS);
    plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"a\"}");
    assertEquals("", plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"a\"}").err());

    assertEquals(Set.of("a"), plugin.volumes.get("v1").mounts());
    plugin.client.post("/VolumeDriver.Unmount", "{\"Name\":\"v1\",\"ID\":\"a\"}");
    assertFalse(mounted(plugin.volumes.get("v1").mountpoint()), "one Unmount ends a repeated Mount");
  }

  @Test
  void unmount_oneOfTwoIds_dropsExactlyThatOneAndKeepsFilesystem() throws IOException {
    plugin.client.post("/VolumeDriver.Create", TMPFS);
    plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"a\"}");
    plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"b\"}");
    Path data = plugin.volumes.get("v1").mountpoint();
    Files.writeString(data.resolve("f"), "kept");

    assertEquals("", plugin.client.post("/VolumeDriver.Unmount", "{\"Name\":\"v1\",\"ID\":\"a\"}").err());

    assertEquals(Set.of("b"), plugin.volumes.get("v1").mounts());
    assertEquals("kept", Files.readString(data.resolve("f")));
    plugin.client.post("/VolumeDriver.Unmount", "{\"Name\":\"v1\",\"ID\":\"b\"}");
    assertFalse(mounted(data));
  }

  @Test
  void unmount_unknownId_succeedsAndChangesNothing() throws IOException {
    plugin.client.post("/VolumeDriver.Create", TMPFS);
    plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"a\"}");
    assertEquals("", plugin.client.post("/VolumeDriver.Unmount", "{\"Name\":\"v1\",\"ID\":\"zz\"}").err());
    assertEquals(Set.of("a"), plugin.volumes.get("v1").mounts());
  }

  @Test
  void unmount_missingVolume_answersNoSuchVolume() throws IOException {
    assertEquals("no such volume: v9 (see `strata volume ls`)",
        plugin.client.post("/VolumeDriver.Unmount", "{\"Name\":\"v9\",\"ID\":\"a\"}").err());
  }

  @Test
  void mount_bindOfMissingDirectory_answersStoreMessageAndHoldsNoId() throws IOException {
    Path missing = dir.resolve("missing");
    plugin.client.post("/VolumeDriver.Create",
        "{\"Name\":\"v1\",\"Opts\":{\"type\":\"none\",\"o\":\"bind\",\"device\":\"" + missing + "\"}}");

    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"a\"}");

    assertEquals(200, answer.status());
    assertTrue(answer.err().startsWith("volume v1: bind device " + missing), answer.err());
    assertEquals(Set.of(), plugin.volumes.get("v1").mounts());
  }

  @Test
  void mount_deviceMountFails_answersErrWithTheSystemsReason() throws IOException {
    plugin.client.post("/VolumeDriver.Create",
        "{\"Name\":\"v1\",\"Opts\":{\"type\":\"ext4\",\"device\":\"" + dir.resolve("no-device") + "\"}}");

    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"a\"}");

    assertEquals(200, answer.status());
    assertTrue(answer.err().contains("no-device"), answer.err());
    assertEquals(Set.of(), plugin.volumes.get("v1").mounts());
  }

  @Test
  void remove_mountedVolume_answersStoreRefusalAndKeepsIt() throws IOException {
    plugin.client.post("/VolumeDriver.Create", TMPFS);
    plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"a\"}");

    PluginClient.Answer answer = plugin.client.post("/VolumeDriver.Remove", "{\"Name\":\"v1\"}");

    assertEquals(200, answer.status());
    assertEquals("remove v1: volume has active mounts [a]", answer.err());
    assertTrue(mounted(plugin.volumes.get("v1").mountpoint()));
  }

  @Test
  void restart_ofPlugin_keepsMountIdsAndUnmountStillWorks() throws IOException {
    plugin.client.post("/VolumeDriver.Create", TMPFS);
    plugin.client.post("/VolumeDriver.Mount", "{\"Name\":\"v1\",\"ID\":\"a\"}");
    plugin.close();
    assertFalse(Files.exists(dir.resolve("plugin.sock")), "close removes a socket still where it was bound");
    plugin = RunningPlugin.start(dir);

    assertEquals(Set.of("a"), plugin.volumes.get("v1").mounts());
    assertEquals("remove v1: volume has active mounts [a]",
        plugin.client.post("/VolumeDriver.Remove", "{\"Name\":\"v1\"}").err());
    plugin.client.post("/VolumeDriver.Unmount", "{\"Name\":\"v1\",\"ID\":\"a\"}");
    assertEquals("", plugin.client.post("/VolumeDriver.Remove", "{\"Name\":\"v1\"}").err());
  }

  private static boolean mounted(Path point) throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .anyMatch(line -> line.split(" ")[4].equals(point.toString()));
  }
}
