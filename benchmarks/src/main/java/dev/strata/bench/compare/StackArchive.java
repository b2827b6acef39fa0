package dev.strata.bench.compare;

import dev.strata.bench.fixture.LayerTars;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A docker-archive (the pre-OCI {@code docker save} layout: {@code manifest.json}, the config as
 * {@code <id>.json}, each layer as {@code <diffid>/layer.tar}) of one image whose layers are
 * {@link LayerTars#stackLayer} 0..n-1, made once beside the other inputs and kept. Docker, Strata
 * and, layer by layer, containers-storage all load the very same bytes.
 */
final class StackArchive {

  /** The tag the image carries. */
  static final String TAG = "strata-bench/stack:latest";

  private final LayerTars tars;

  StackArchive(LayerTars tars) {
    this.tars = tars;
  }

  /** The archive of {@code layers} layers of {@code filesPerLayer} files each. */
  Path archive(int layers, int filesPerLayer) throws IOException {
    Path target = tars.directory().resolve("stack-archive-" + layers + "-" + filesPerLayer + ".tar");
    if (Files.exists(target)) {
      return target;
    }
    List<Path> layerTars = layers(layers, filesPerLayer);
    List<String> diffIds = new ArrayList<>();
    for (Path layer : layerTars) {
      diffIds.add(sha256(layer));
    }
    byte[] config = config(diffIds).getBytes(StandardCharsets.UTF_8);
    String configName = sha256(config) + ".json";
    StringBuilder manifest = new StringBuilder("[{\"Config\":\"" + configName + "\",\"RepoTags\":[\""
        + TAG + "\"],\"Layers\":[");
    for (int i = 0; i < diffIds.size(); i++) {
      manifest.append(i == 0 ? "" : ",").append('"').append(diffIds.get(i)).append("/layer.tar\"");
    }
    manifest.append("]}]");

    Path staging = Files.createTempFile(tars.directory(), "." + target.getFileName(), ".partial");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(staging), 1 << 16);
           TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (int i = 0; i < layerTars.size(); i++) {
          directory(tar, diffIds.get(i) + "/");
          file(tar, diffIds.get(i) + "/layer.tar", layerTars.get(i));
        }
        bytes(tar, configName, config);
        bytes(tar, "manifest.json", manifest.toString().getBytes(StandardCharsets.UTF_8));
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(staging);
    }
    return target;
  }

  /** The layer tars of the archive, bottom first. */
  List<Path> layers(int layers, int filesPerLayer) throws IOException {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      paths.add(tars.stackLayer(i, filesPerLayer));
    }
    return paths;
  }

  private static String config(List<String> diffIds) {
    StringBuilder ids = new StringBuilder();
    StringBuilder history = new StringBuilder();
    for (int i = 0; i < diffIds.size(); i++) {
      ids.append(i == 0 ? "" : ",").append("\"sha256:").append(diffIds.get(i)).append('"');
      history.append(i == 0 ? "" : ",").append("{\"created\":\"2023-11-14T22:13:20Z\",\"created_by\":\"layer ")
          .append(i).append("\"}");
    }
    return "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2023-11-14T22:13:20Z\","
        + "\"config\":{\"Cmd\":[\"/bin/sh\"]},\"history\":[" + history + "],"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + ids + "]}}";
  }

  private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040755);
    e.setModTime(1_700_000_000_000L);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream tar, String name, Path content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(Files.size(content));
    e.setMode(0100644);
    e.setModTime(1_700_000_000_000L);
    tar.putArchiveEntry(e);
    try (InputStream in = Files.newInputStream(content)) {
      in.transferTo(tar);
    }
    tar.closeArchiveEntry();
  }

  private static void bytes(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    e.setMode(0100644);
    e.setModTime(1_700_000_000_000L);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
