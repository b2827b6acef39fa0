package dev.strata.cli;

import dev.strata.driver.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The image {@code strata demo} starts from, written as {@code docker save} (up to Docker 24)
 * writes it: {@code manifest.json}, {@code <id>.json} and {@code <n>/layer.tar}. Three layers: a
 * base; a cleanup layer that deletes {@code /usr/bin/hello} (whiteout {@code usr/bin/.wh.hello})
 * and empties {@code /var/cache/app} (opaque marker {@code var/cache/app/.wh..wh..opq}) before
 * adding one file to it; an app layer adding {@code /etc/motd}.
 */
final class DemoArchive {

  static final String TAG = "strata-demo:1.0";
  private static final long MTIME = Instant.parse("2024-06-01T12:00:00Z").toEpochMilli();

  /** One layer: a name for the narration and its uncompressed tar. */
  record DemoLayer(String name, byte[] tar) {
    Digest diffId() {
      return Digest.sha256Of(tar);
    }
  }

  private interface Entries {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private DemoArchive() {}

  static List<DemoLayer> layers() throws IOException {
    return List.of(
        new DemoLayer("base", tar(t -> {
          dir(t, "etc/");
          file(t, "etc/os-release", "NAME=StrataDemo\nVERSION=1\n", 0644);
          dir(t, "usr/");
          dir(t, "usr/bin/");
          file(t, "usr/bin/hello", "#!/bin/sh\necho hello\n", 0755);
          dir(t, "usr/share/");
          dir(t, "usr/share/doc/");
          dir(t, "usr/share/doc/demo/");
          file(t, "usr/share/doc/demo/README", "three layers and a container\n", 0644);
          dir(t, "var/");
          dir(t, "var/cache/");
          dir(t, "var/cache/app/");
          file(t, "var/cache/app/old-1", "stale\n", 0644);
          file(t, "var/cache/app/old-2", "stale\n", 0644);
        })),
        new DemoLayer("cleanup", tar(t -> {
          dir(t, "usr/");
          dir(t, "usr/bin/");
          file(t, "usr/bin/.wh.hello", "", 0644);
          dir(t, "var/");
          dir(t, "var/cache/");
          dir(t, "var/cache/app/");
          file(t, "var/cache/app/.wh..wh..opq", "", 0644);
          file(t, "var/cache/app/fresh", "rebuilt\n", 0644);
        })),
        new DemoLayer("app", tar(t -> {
          dir(t, "etc/");
          file(t, "etc/motd", "welcome to a strata container\n", 0644);
        })));
  }

  /** The image config naming the layers' DiffIDs, with one history entry per layer. */
  static byte[] config(List<DemoLayer> layers) {
    String diffIds = layers.stream().map(l -> "\"" + l.diffId() + "\"").collect(Collectors.joining(","));
    String history = layers.stream()
        .map(l -> "{\"created\":\"2024-06-01T12:00:00Z\",\"created_by\":\"strata demo: " + l.name() + " layer\"}")
        .collect(Collectors.joining(","));
    return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-06-01T12:00:00Z\","
        + "\"config\":{\"Cmd\":[\"/bin/sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]},"
        + "\"history\":[" + history + "]}").getBytes(StandardCharsets.UTF_8);
  }

  /** Writes the docker-archive tar to {@code file}. */
  static void write(List<DemoLayer> layers, Path file) throws IOException {
    byte[] config = config(layers);
    String configName = Digest.sha256Of(config).hex() + ".json";
    List<String> layerPaths = new ArrayList<>();
    try (OutputStream os = Files.newOutputStream(file);
         TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      file(tar, configName, config, 0644);
      for (int i = 0; i < layers.size(); i++) {
        String dir = (i + 1) + "-" + layers.get(i).name() + "/";
        dir(tar, dir);
        file(tar, dir + "layer.tar", layers.get(i).tar(), 0644);
        layerPaths.add(dir + "layer.tar");
      }
      String manifest = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"" + TAG + "\"],\"Layers\":[\""
          + String.join("\",\"", layerPaths) + "\"]}]\n";
      file(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8), 0644);
    }
  }

  private static byte[] tar(Entries entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      entries.write(tar);
    }
    return bytes.toByteArray();
  }

  private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(040755);
    entry.setModTime(MTIME);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream tar, String name, String content, int mode) throws IOException {
    file(tar, name, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  private static void file(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(0100000 | mode);
    entry.setSize(content.length);
    entry.setModTime(MTIME);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }
}
