package dev.strata.cli;

import dev.strata.driver.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Image archives for the command's tests, the minimal bits of layer-store's test builders: a
 * two-layer image (layer two whites out {@code /x} and makes {@code /opt} opaque) as a
 * docker-archive tar or an OCI layout directory.
 */
final class TestArchives {

  static final String TAG = "test/app:1.0";
  private static final long MTIME = Instant.parse("2024-01-02T03:04:05Z").toEpochMilli();

  interface Entries {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private TestArchives() {}

  /** {@code /bin/sh}, {@code /etc/hostname}, {@code /x}, {@code /opt/old}. */
  static byte[] base() {
    return tar(t -> {
      dir(t, "bin/");
      file(t, "bin/sh", "#!/bin/true\n", 0755);
      dir(t, "etc/");
      file(t, "etc/hostname", "base\n", 0644);
      file(t, "x", "to be whited out\n", 0644);
      dir(t, "opt/");
      file(t, "opt/old", "hidden by the opaque dir\n", 0644);
    });
  }

  /** Whites out {@code /x}, makes {@code /opt} opaque with {@code /opt/new}, adds {@code /etc/motd}. */
  static byte[] second() {
    return tar(t -> {
      file(t, ".wh.x", "", 0644);
      dir(t, "opt/");
      file(t, "opt/.wh..wh..opq", "", 0644);
      file(t, "opt/new", "only this in /opt\n", 0644);
      dir(t, "etc/");
      file(t, "etc/motd", "hello from layer two\n", 0644);
    });
  }

  static List<byte[]> layers() {
    return List.of(base(), second());
  }

  static List<Digest> diffIds() {
    return layers().stream().map(Digest::sha256Of).toList();
  }

  static byte[] config() {
    String ids = diffIds().stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(","));
    return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\","
        + "\"config\":{\"Cmd\":[\"/bin/sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + ids + "]}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static String imageId() {
    return Digest.sha256Of(config()).toString();
  }

  /** A docker-archive tar as {@code docker save} up to Docker 24 writes it. */
  static Path dockerArchive(Path file) throws IOException {
    return dockerArchive(file, config(), layers());
  }

  static Path dockerArchive(Path file, byte[] config, List<byte[]> layers) throws IOException {
    return dockerArchive(file, config, layers, TAG);
  }

  static Path dockerArchive(Path file, byte[] config, List<byte[]> layers, String tag) throws IOException {
    String configName = Digest.sha256Of(config).hex() + ".json";
    List<String> paths = new ArrayList<>();
    try (OutputStream os = Files.newOutputStream(file);
         TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
      file(tar, configName, config, 0644);
      for (int i = 0; i < layers.size(); i++) {
        dir(tar, "l" + i + "/");
        file(tar, "l" + i + "/layer.tar", layers.get(i), 0644);
        paths.add("l" + i + "/layer.tar");
      }
      file(tar, "manifest.json", ("[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"" + tag
          + "\"],\"Layers\":[\"" + String.join("\",\"", paths) + "\"]}]").getBytes(StandardCharsets.UTF_8), 0644);
    }
    return file;
  }

  /** An OCI image layout directory, tagged {@code 1.0} for {@code test/app}. */
  static Path ociLayout(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    byte[] config = config();
    List<String> layerDescs = new ArrayList<>();
    for (byte[] layer : layers()) {
      layerDescs.add(descriptor("application/vnd.oci.image.layer.v1.tar", blob(dir, layer), layer.length));
    }
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":" + descriptor("application/vnd.oci.image.config.v1+json", blob(dir, config), config.length)
        + ",\"layers\":[" + String.join(",", layerDescs) + "]}").getBytes(StandardCharsets.UTF_8);
    String target = descriptor("application/vnd.oci.image.manifest.v1+json", blob(dir, manifest), manifest.length);
    String tagged = target.substring(0, target.length() - 1) + ",\"annotations\":{\"io.containerd.image.name\":"
        + "\"docker.io/test/app:1.0\",\"org.opencontainers.image.ref.name\":\"1.0\"}}";
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"mediaType\":"
        + "\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" + tagged + "]}");
    return dir;
  }

  /** The entry names of a tar, directories without their trailing slash. */
  static Set<String> entryNames(Path tar) throws IOException {
    Set<String> names = new TreeSet<>();
    try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = entries.getNextEntry(); e != null; e = entries.getNextEntry()) {
        String name = e.getName();
        names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
      }
    }
    return names;
  }

  static byte[] tar(Entries entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      entries.write(tar);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static void dir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(040755);
    entry.setModTime(MTIME);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  static void file(TarArchiveOutputStream tar, String name, String content, int mode) throws IOException {
    file(tar, name, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  static void file(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(0100000 | mode);
    entry.setSize(content.length);
    entry.setModTime(MTIME);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static String descriptor(String mediaType, Digest digest, long size) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
  }

  private static Digest blob(Path dir, byte[] content) throws IOException {
    Digest digest = Digest.sha256Of(content);
    Files.write(dir.resolve("blobs/sha256").resolve(digest.hex()), content);
    return digest;
  }
}
