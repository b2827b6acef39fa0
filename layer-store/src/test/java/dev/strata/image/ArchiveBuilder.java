package dev.strata.image;

import dev.strata.driver.Digest;
import dev.strata.layer.ChainId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes image archives the way Docker and OCI tools lay them out, for tests to load. */
final class ArchiveBuilder {

  enum Form {
    /** docker save up to Docker 24: {@code <hex>.json}, {@code <v1-id>/layer.tar}, shared layers as symlinks. */
    LEGACY,
    /** docker save of Docker 25+: {@code blobs/sha256/...} in manifest.json, plus an OCI index. */
    BLOBS,
    /** An OCI image layout only. */
    OCI
  }

  private final Form form;
  private final List<TestImage> images = new ArrayList<>();
  private TestLayers.Compression compression = TestLayers.Compression.PLAIN;
  private boolean dockerMediaTypes;
  private boolean nestedIndex;

  ArchiveBuilder(Form form) {
    this.form = form;
  }

  ArchiveBuilder image(TestImage image) {
    images.add(image);
    return this;
  }

  ArchiveBuilder compression(TestLayers.Compression compression) {
    this.compression = compression;
    return this;
  }

  /** Docker's v2 manifest and rootfs.diff.tar.gzip media types instead of OCI's. */
  ArchiveBuilder dockerMediaTypes() {
    this.dockerMediaTypes = true;
    return this;
  }

  /** index.json points at a multi-platform index (arm64, amd64, an attestation) per image. */
  ArchiveBuilder nestedIndex() {
    this.nestedIndex = true;
    return this;
  }

  /** Writes the archive as a directory. */
  Path writeDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    switch (form) {
      case LEGACY -> writeLegacy(dir);
      case BLOBS -> {
        writeOci(dir);
        writeBlobsManifest(dir);
      }
      case OCI -> writeOci(dir);
    }
    return dir;
  }

  /** Writes the archive as a tar file (gzip-compressed when asked) in {@code scratch}. */
  Path writeTar(Path scratch, boolean gzip) throws IOException {
    Path dir = writeDirectory(scratch.resolve("archive-dir"));
    return tarOf(dir, scratch.resolve(gzip ? "archive.tar.gz" : "archive.tar"), gzip);
  }

  /** Tars a directory: sorted names, directories as {@code name/}, symlinks kept as symlinks. */
  static Path tarOf(Path dir, Path out, boolean gzip) throws IOException {
    try (OutputStream file = Files.newOutputStream(out);
         OutputStream stream = gzip ? new GzipCompressorOutputStream(file) : file;
         TarArchiveOutputStream tar = new TarArchiveOutputStream(stream);
         Stream<Path> paths = Files.walk(dir)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Path path : paths.sorted().toList()) {
        if (path.equals(dir)) {
          continue;
        }
        String name = dir.relativize(path).toString();
        if (Files.isSymbolicLink(path)) {
          TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
          entry.setLinkName(Files.readSymbolicLink(path).toString());
          tar.putArchiveEntry(entry);
          tar.closeArchiveEntry();
        } else if (Files.isDirectory(path)) {
          tar.putArchiveEntry(new TarArchiveEntry(name + "/"));
          tar.closeArchiveEntry();
        } else {
          TarArchiveEntry entry = new TarArchiveEntry(name);
          entry.setSize(Files.size(path));
          tar.putArchiveEntry(entry);
          Files.copy(path, tar);
          tar.closeArchiveEntry();
        }
      }
    }
    return out;
  }

  private void writeLegacy(Path dir) throws IOException {
    StringBuilder manifest = new StringBuilder("[");
    StringBuilder repositories = new StringBuilder("{");
    Map<Digest, String> firstLayerPath = new HashMap<>();
    for (int i = 0; i < images.size(); i++) {
      TestImage image = images.get(i);
      String configName = image.id().digest().hex() + ".json";
      Files.write(dir.resolve(configName), image.config());
      List<String> layerPaths = new ArrayList<>();
      List<ChainId> chains = ImageConfig.chainIds(image.diffIds());
      for (int l = 0; l < image.layers().size(); l++) {
        String v1 = Digest.sha256Of(("v1 " + i + " " + chains.get(l)).getBytes(StandardCharsets.UTF_8)).hex();
        Path layerDir = Files.createDirectories(dir.resolve(v1));
        Files.writeString(layerDir.resolve("VERSION"), "1.0");
        Files.writeString(layerDir.resolve("json"), "{\"id\":\"" + v1 + "\"}");
        Digest diffId = image.diffIds().get(l);
        String shared = firstLayerPath.get(diffId);
        if (shared != null) {
          Files.createSymbolicLink(layerDir.resolve("layer.tar"), Path.of("..", shared));
        } else {
          Files.write(layerDir.resolve("layer.tar"), TestLayers.compress(image.layers().get(l), compression));
          firstLayerPath.put(diffId, v1 + "/layer.tar");
        }
        layerPaths.add(v1 + "/layer.tar");
        if (l == image.layers().size() - 1) {
          for (String tag : image.tags()) {
            Reference ref = Reference.parse(tag);
            repositories.append(repositories.length() > 1 ? "," : "")
                .append("\"").append(ref.name()).append("\":{\"").append(ref.tag()).append("\":\"").append(v1).append("\"}");
          }
        }
      }
      manifest.append(i > 0 ? "," : "").append(manifestEntry(configName, image.tags(), layerPaths));
    }
    Files.writeString(dir.resolve("manifest.json"), manifest.append("]\n").toString());
    Files.writeString(dir.resolve("repositories"), repositories.append("}\n").toString());
  }

  private void writeBlobsManifest(Path dir) throws IOException {
    StringBuilder manifest = new StringBuilder("[");
    for (int i = 0; i < images.size(); i++) {
      TestImage image = images.get(i);
      List<String> layerPaths = new ArrayList<>();
      for (byte[] layer : image.layers()) {
        layerPaths.add("blobs/sha256/" + Digest.sha256Of(TestLayers.compress(layer, compression)).hex());
      }
      manifest.append(i > 0 ? "," : "")
          .append(manifestEntry("blobs/sha256/" + image.id().digest().hex(), image.tags(), layerPaths));
    }
    Files.writeString(dir.resolve("manifest.json"), manifest.append("]\n").toString());
  }

  private static String manifestEntry(String config, List<String> tags, List<String> layers) {
    String repoTags = tags.isEmpty() ? "null" : "[\"" + String.join("\",\"", tags) + "\"]";
    return "{\"Config\":\"" + config + "\",\"RepoTags\":" + repoTags + ",\"Layers\":[\""
        + String.join("\",\"", layers) + "\"]}";
  }

  private void writeOci(Path dir) throws IOException {
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    List<String> descriptors = new ArrayList<>();
    for (TestImage image : images) {
      String configDesc = descriptor(dockerMediaTypes ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG,
          blob(dir, image.config()), image.config().length, "");
      List<String> layers = new ArrayList<>();
      for (byte[] layer : image.layers()) {
        byte[] content = TestLayers.compress(layer, compression);
        layers.add(descriptor(layerMediaType(), blob(dir, content), content.length, ""));
      }
      String manifestType = dockerMediaTypes ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST;
      byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + manifestType + "\",\"config\":" + configDesc
          + ",\"layers\":[" + String.join(",", layers) + "]}").getBytes(StandardCharsets.UTF_8);
      String target = descriptor(manifestType, blob(dir, manifest), manifest.length, "");
      if (nestedIndex) {
        target = nested(dir, manifestType, blob(dir, manifest), manifest.length);
      }
      if (image.tags().isEmpty()) {
        descriptors.add(target);
      }
      for (String tag : image.tags()) {
        Reference ref = Reference.parse(tag);
        String annotations = ",\"annotations\":{\"io.containerd.image.name\":\"" + ref.fullName()
            + "\",\"org.opencontainers.image.ref.name\":\"" + ref.tag() + "\"}";
        descriptors.add(target.substring(0, target.length() - 1) + annotations + "}");
      }
    }
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
        + "\",\"manifests\":[" + String.join(",", descriptors) + "]}");
  }

  private String nested(Path dir, String manifestType, Digest manifest, long size) throws IOException {
    byte[] arm = "{\"schemaVersion\":2,\"note\":\"never read\"}".getBytes(StandardCharsets.UTF_8);
    byte[] attestation = "{\"schemaVersion\":2,\"note\":\"attestation\"}".getBytes(StandardCharsets.UTF_8);
    String armDesc = descriptor(manifestType, Digest.sha256Of(arm), arm.length,
        ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}");
    String amdDesc = descriptor(manifestType, manifest, size, ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}");
    String attDesc = descriptor(manifestType, blob(dir, attestation), attestation.length,
        ",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
            + "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}");
    byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
        + armDesc + "," + amdDesc + "," + attDesc + "]}").getBytes(StandardCharsets.UTF_8);
    return descriptor(MediaTypes.OCI_INDEX, blob(dir, index), index.length, "");
  }

  private String layerMediaType() {
    if (dockerMediaTypes) {
      return "application/vnd.docker.image.rootfs.diff.tar.gzip";
    }
    return switch (compression) {
      case PLAIN -> MediaTypes.OCI_LAYER;
      case GZIP -> MediaTypes.OCI_LAYER + "+gzip";
      case ZSTD -> MediaTypes.OCI_LAYER + "+zstd";
    };
  }

  private static String descriptor(String mediaType, Digest digest, long size, String extra) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + extra + "}";
  }

  private static Digest blob(Path dir, byte[] content) throws IOException {
    Digest digest = Digest.sha256Of(content);
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.write(blobs.resolve(digest.hex()), content);
    return digest;
  }
}
