package dev.strata.testing;

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

/**
 * Writes image archives the way Docker and OCI tools lay them out, for tests to load: {@code docker
 * save} before and since Docker 25, and OCI image layouts, as a directory or a tar.
 *
 * <pre>{@code
 * Path archive = new ArchiveBuilder(Form.OCI)
 *     .compression(LayerCompression.ZSTD)
 *     .image(SampleImage.twoLayers("app:v1"))
 *     .writeTar(tmp.resolve("app.tar"));
 * }</pre>
 *
 * <p>Everything is written from the images' bytes with no Strata code, so an archive is an
 * independent witness of the formats; references are taken as Docker's familiar form
 * ({@code name[:tag]}, {@code latest} when the tag is missing).
 */
public final class ArchiveBuilder {

  /** The layout of the archive. */
  public enum Form {
    /** docker save up to Docker 24: {@code <hex>.json}, {@code <v1-id>/layer.tar}, shared layers as symlinks. */
    LEGACY,
    /** docker save of Docker 25+: {@code blobs/sha256/...} in manifest.json, plus an OCI index. */
    BLOBS,
    /** An OCI image layout only. */
    OCI
  }

  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  private static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  private static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  private static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  private final Form form;
  private final List<SampleImage> images = new ArrayList<>();
  private LayerCompression compression = LayerCompression.PLAIN;
  private boolean dockerMediaTypes;
  private boolean nestedIndex;

  public ArchiveBuilder(Form form) {
    this.form = form;
  }

  public ArchiveBuilder image(SampleImage image) {
    images.add(image);
    return this;
  }

  /** How layer blobs are stored; plain unless set. */
  public ArchiveBuilder compression(LayerCompression compression) {
    this.compression = compression;
    return this;
  }

  /** Docker's v2 manifest and rootfs.diff.tar.gzip media types instead of OCI's. */
  public ArchiveBuilder dockerMediaTypes() {
    this.dockerMediaTypes = true;
    return this;
  }

  /** index.json points at a multi-platform index (arm64, amd64, an attestation) per image. */
  public ArchiveBuilder nestedIndex() {
    this.nestedIndex = true;
    return this;
  }

  /** Writes the archive as a directory. */
  public Path writeDirectory(Path dir) throws IOException {
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

  /**
   * Writes the archive as a tar file (gzip-compressed when asked) in {@code scratch}, beside the
   * directory it was made from ({@code scratch/archive-dir}).
   */
  public Path writeTar(Path scratch, boolean gzip) throws IOException {
    Path dir = writeDirectory(scratch.resolve("archive-dir"));
    return tarOf(dir, scratch.resolve(gzip ? "archive.tar.gz" : "archive.tar"), gzip);
  }

  /** Writes the archive as the plain tar {@code file}, as {@code docker save -o file} would; leaves nothing else. */
  public Path writeTar(Path file) throws IOException {
    Path dir = Files.createTempDirectory(file.toAbsolutePath().getParent(), ".archive-");
    try {
      return tarOf(writeDirectory(dir), file, false);
    } finally {
      TreeDeletion.delete(dir);
    }
  }

  /** Tars a directory: sorted names, directories as {@code name/}, symlinks kept as symlinks. */
  public static Path tarOf(Path dir, Path out, boolean gzip) throws IOException {
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
    Map<String, String> firstLayerPath = new HashMap<>();
    for (int i = 0; i < images.size(); i++) {
      SampleImage image = images.get(i);
      String configName = hex(image.id()) + ".json";
      Files.write(dir.resolve(configName), image.config());
      List<String> layerPaths = new ArrayList<>();
      List<String> chains = chainIds(image.diffIds());
      for (int l = 0; l < image.layers().size(); l++) {
        String v1 = hex(SampleImage.sha256(("v1 " + i + " " + chains.get(l)).getBytes(StandardCharsets.UTF_8)));
        Path layerDir = Files.createDirectories(dir.resolve(v1));
        Files.writeString(layerDir.resolve("VERSION"), "1.0");
        Files.writeString(layerDir.resolve("json"), "{\"id\":\"" + v1 + "\"}");
        String diffId = image.diffIds().get(l);
        String shared = firstLayerPath.get(diffId);
        if (shared != null) {
          Files.createSymbolicLink(layerDir.resolve("layer.tar"), Path.of("..", shared));
        } else {
          Files.write(layerDir.resolve("layer.tar"), compression.compress(image.layers().get(l)));
          firstLayerPath.put(diffId, v1 + "/layer.tar");
        }
        layerPaths.add(v1 + "/layer.tar");
        if (l == image.layers().size() - 1) {
          for (String tag : image.tags()) {
            Tag ref = Tag.parse(tag);
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
      SampleImage image = images.get(i);
      List<String> layerPaths = new ArrayList<>();
      for (byte[] layer : image.layers()) {
        layerPaths.add("blobs/sha256/" + hex(SampleImage.sha256(compression.compress(layer))));
      }
      manifest.append(i > 0 ? "," : "")
          .append(manifestEntry("blobs/sha256/" + hex(image.id()), image.tags(), layerPaths));
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
    for (SampleImage image : images) {
      String configDesc = descriptor(dockerMediaTypes ? DOCKER_CONFIG : OCI_CONFIG,
          blob(dir, image.config()), image.config().length, "");
      List<String> layers = new ArrayList<>();
      for (byte[] layer : image.layers()) {
        byte[] content = compression.compress(layer);
        layers.add(descriptor(layerMediaType(), blob(dir, content), content.length, ""));
      }
      String manifestType = dockerMediaTypes ? DOCKER_MANIFEST : OCI_MANIFEST;
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
        Tag ref = Tag.parse(tag);
        String annotations = ",\"annotations\":{\"io.containerd.image.name\":\"" + ref.fullName()
            + "\",\"org.opencontainers.image.ref.name\":\"" + ref.tag() + "\"}";
        descriptors.add(target.substring(0, target.length() - 1) + annotations + "}");
      }
    }
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX
        + "\",\"manifests\":[" + String.join(",", descriptors) + "]}");
  }

  private String nested(Path dir, String manifestType, String manifest, long size) throws IOException {
    byte[] arm = "{\"schemaVersion\":2,\"note\":\"never read\"}".getBytes(StandardCharsets.UTF_8);
    byte[] attestation = "{\"schemaVersion\":2,\"note\":\"attestation\"}".getBytes(StandardCharsets.UTF_8);
    String armDesc = descriptor(manifestType, SampleImage.sha256(arm), arm.length,
        ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}");
    String amdDesc = descriptor(manifestType, manifest, size, ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}");
    String attDesc = descriptor(manifestType, blob(dir, attestation), attestation.length,
        ",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
            + "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}");
    byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
        + armDesc + "," + amdDesc + "," + attDesc + "]}").getBytes(StandardCharsets.UTF_8);
    return descriptor(OCI_INDEX, blob(dir, index), index.length, "");
  }

  private String layerMediaType() {
    if (dockerMediaTypes) {
      return DOCKER_LAYER_GZIP;
    }
    return switch (compression) {
      case PLAIN -> OCI_LAYER;
      case GZIP -> OCI_LAYER + "+gzip";
      case ZSTD -> OCI_LAYER + "+zstd";
    };
  }

  private static String descriptor(String mediaType, String digest, long size, String extra) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + extra + "}";
  }

  private static String blob(Path dir, byte[] content) throws IOException {
    String digest = SampleImage.sha256(content);
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.write(blobs.resolve(hex(digest)), content);
    return digest;
  }

  /** The layers' ChainIDs, the names Docker derives the legacy v1 ids from. */
  private static List<String> chainIds(List<String> diffIds) {
    List<String> chains = new ArrayList<>();
    for (String diffId : diffIds) {
      chains.add(chains.isEmpty() ? diffId : SampleImage.sha256(
          (chains.get(chains.size() - 1) + " " + diffId).getBytes(StandardCharsets.US_ASCII)));
    }
    return chains;
  }

  private static String hex(String digest) {
    return digest.substring("sha256:".length());
  }

  /** A reference in Docker's familiar form, split as the archive formats need it. */
  private record Tag(String name, String tag) {

    static Tag parse(String reference) {
      int colon = reference.lastIndexOf(':');
      return colon > reference.lastIndexOf('/')
          ? new Tag(reference.substring(0, colon), reference.substring(colon + 1))
          : new Tag(reference, "latest");
    }

    /** containerd's fully qualified form: {@code docker.io/library/} for one-part names on Docker Hub. */
    String fullName() {
      int slash = name.indexOf('/');
      String head = slash < 0 ? "" : name.substring(0, slash);
      if (head.contains(".") || head.contains(":") || head.equals("localhost")) {
        return name + ":" + tag;
      }
      return (slash < 0 ? "docker.io/library/" : "docker.io/") + name + ":" + tag;
    }
  }
}
