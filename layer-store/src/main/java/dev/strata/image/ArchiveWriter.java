package dev.strata.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.json.Json;
import dev.strata.layer.ChainId;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes images in the form Docker 25+ saves, which Docker 20.10+ loads through {@code
 * manifest.json} and which is at the same time an OCI image layout:
 *
 * <pre>
 * oci-layout                 {"imageLayoutVersion":"1.0.0"}
 * blobs/sha256/&lt;id&gt;          each config, byte for byte
 * blobs/sha256/&lt;diffid&gt;      each layer tar, uncompressed, once per DiffID
 * blobs/sha256/&lt;manifest&gt;    an OCI manifest per image
 * index.json                 a descriptor per tag (untagged images: one without annotations)
 * manifest.json              docker-archive: Config, RepoTags, Layers per image
 * repositories               legacy: {name: {tag: top layer's DiffID hex}}
 * </pre>
 *
 * Each layer is exported to a scratch file first (a tar header needs its size), hashed on the
 * way, and refused unless the hash is its DiffID; no layer is ever held in memory.
 */
final class ArchiveWriter {

  /** Writes a layer's tar: {@code LayerStore::export} in production. */
  @FunctionalInterface
  interface LayerSource {
    void export(ChainId chain, OutputStream out) throws IOException;
  }

  private static final String BLOBS = "blobs/sha256/";

  private final LayerSource layers;
  private final Path scratch;

  /** {@code scratch} is an empty directory for one layer at a time. */
  ArchiveWriter(LayerSource layers, Path scratch) {
    this.layers = layers;
    this.scratch = scratch;
  }

  void write(List<SavedImage> images, ArchiveSink sink) throws IOException {
    sink.file(OciLayoutReader.LAYOUT, Json.bytes(Json.object().put("imageLayoutVersion", "1.0.0")));
    sink.directory("blobs/");
    sink.directory(BLOBS);
    Set<Digest> written = new HashSet<>();
    for (SavedImage image : images) {
      if (written.add(image.id().digest())) {
        sink.file(BLOBS + image.id().digest().hex(), image.config());
      }
    }
    Map<Digest, Long> sizes = new HashMap<>();
    for (SavedImage image : images) {
      List<ChainId> chains = ImageConfig.chainIds(image.diffIds());
      for (int i = 0; i < chains.size(); i++) {
        Digest diffId = image.diffIds().get(i);
        if (!sizes.containsKey(diffId)) {
          sizes.put(diffId, writeLayer(chains.get(i), diffId, sink));
        }
      }
    }
    ArrayNode index = Json.array();
    ArrayNode manifest = Json.array();
    ObjectNode repositories = Json.object();
    Map<Digest, Boolean> manifests = new LinkedHashMap<>();
    for (SavedImage image : images) {
      byte[] ociManifest = ociManifest(image, sizes);
      Digest manifestDigest = Digest.sha256Of(ociManifest);
      if (manifests.put(manifestDigest, true) == null && written.add(manifestDigest)) {
        sink.file(BLOBS + manifestDigest.hex(), ociManifest);
      }
      for (Reference tag : image.tags()) {
        ObjectNode descriptor = descriptor(MediaTypes.OCI_MANIFEST, manifestDigest, ociManifest.length);
        descriptor.putObject("annotations")
            .put(OciLayoutReader.CONTAINERD_NAME, tag.fullName())
            .put(OciLayoutReader.REF_NAME, tag.tag());
        index.add(descriptor);
        if (!image.diffIds().isEmpty()) {
          ObjectNode repo = repositories.has(tag.name()) ? (ObjectNode) repositories.get(tag.name())
              : repositories.putObject(tag.name());
          repo.put(tag.tag(), image.diffIds().get(image.diffIds().size() - 1).hex());
        }
      }
      if (image.tags().isEmpty()) {
        index.add(descriptor(MediaTypes.OCI_MANIFEST, manifestDigest, ociManifest.length));
      }
      ObjectNode entry = manifest.addObject();
      entry.put("Config", BLOBS + image.id().digest().hex());
      if (image.tags().isEmpty()) {
        entry.putNull("RepoTags");
      } else {
        ArrayNode tags = entry.putArray("RepoTags");
        image.tags().forEach(t -> tags.add(t.toString()));
      }
      ArrayNode layerPaths = entry.putArray("Layers");
      image.diffIds().forEach(d -> layerPaths.add(BLOBS + d.hex()));
    }
    ObjectNode indexDoc = Json.object().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    indexDoc.set("manifests", index);
    sink.file(OciLayoutReader.INDEX, Json.bytes(indexDoc));
    sink.file(DockerArchiveReader.MANIFEST, Json.bytes(manifest));
    sink.file("repositories", Json.bytes(repositories));
    sink.finish();
  }

  private long writeLayer(ChainId chain, Digest diffId, ArchiveSink sink) throws IOException {
    Path file = scratch.resolve(diffId.hex());
    MessageDigest sha256 = Digest.newSha256();
    try {
      try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024), sha256)) {
        layers.export(chain, out);
      }
      Digest actual = Digest.sha256(sha256.digest());
      if (!actual.equals(diffId)) {
        throw new CorruptException(chain.toString(), "layer " + chain + " exports a tar hashing to " + actual
            + ", not its DiffID " + diffId + "; the layer is damaged (run `strata check`)");
      }
      long size = Files.size(file);
      sink.file(BLOBS + diffId.hex(), file, size);
      return size;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static byte[] ociManifest(SavedImage image, Map<Digest, Long> sizes) {
    ObjectNode manifest = Json.object().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.set("config", descriptor(MediaTypes.OCI_CONFIG, image.id().digest(), image.config().length));
    ArrayNode layers = manifest.putArray("layers");
    for (Digest diffId : image.diffIds()) {
      layers.add(descriptor(MediaTypes.OCI_LAYER, diffId, sizes.get(diffId)));
    }
    return Json.bytes(manifest);
  }

  private static ObjectNode descriptor(String mediaType, Digest digest, long size) {
    return Json.object().put("mediaType", mediaType).put("digest", digest.toString()).put("size", size);
  }
}
