package dev.strata.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.testing.LayerCompression;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A single-platform image as a registry stores it: gzip layer blobs, a config blob and a manifest
 * referring to both by digest. Built in memory; {@link RawPush} or {@link FakeRegistry#put} store it.
 *
 * @param manifest the exact manifest bytes; {@code digest} is their sha256
 * @param layers gzip blobs, base layer first
 * @param diffIds sha256 of each uncompressed layer tar, as listed in the config's rootfs
 */
public record TestImage(ManifestFormat format, byte[] manifest, String digest, byte[] config,
    List<byte[]> layers, List<String> diffIds) {

  static final ObjectMapper JSON = new ObjectMapper();

  public TestImage {
    manifest = manifest.clone();
    config = config.clone();
    layers = layers.stream().map(byte[]::clone).toList();
    diffIds = List.copyOf(diffIds);
    if (!digest.equals(Sha256.of(manifest))) {
      throw new IllegalArgumentException("digest " + digest + " is not the manifest's");
    }
  }

  /** Gzips {@code layerTars} and writes a manifest for them and {@code configJson}, unchanged. */
  public static TestImage of(ManifestFormat format, List<byte[]> layerTars, byte[] configJson) {
    return of(format, layerTars, configJson, LayerCompression.GZIP::compress);
  }

  /** Like {@link #of(ManifestFormat, List, byte[])}, each layer blob made by {@code gzip} (another tool's bytes). */
  public static TestImage of(ManifestFormat format, List<byte[]> layerTars, byte[] configJson,
      UnaryOperator<byte[]> gzip) {
    List<byte[]> blobs = layerTars.stream().map(gzip).toList();
    List<String> diffIds = layerTars.stream().map(Sha256::of).toList();
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", format.manifestMediaType());
    manifest.set("config", descriptor(format.configMediaType(), configJson));
    ArrayNode layers = manifest.putArray("layers");
    blobs.forEach(blob -> layers.add(descriptor(format.layerMediaType(), blob)));
    byte[] bytes = write(manifest);
    return new TestImage(format, bytes, Sha256.of(bytes), configJson, blobs, diffIds);
  }

  /** Like {@link #of(ManifestFormat, List, byte[])} with a minimal config for linux/{@code arch}. */
  public static TestImage of(ManifestFormat format, String arch, List<byte[]> layerTars) {
    return of(format, layerTars, config(arch, layerTars.stream().map(Sha256::of).toList()));
  }

  /** A minimal image config: architecture, os and the rootfs diff_ids a puller verifies. */
  public static byte[] config(String arch, List<String> diffIds) {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", arch);
    config.put("os", "linux");
    config.putObject("config").putArray("Cmd").add("/bin/sh");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    diffIds.forEach(ids::add);
    return write(config);
  }

  public String mediaType() {
    return format.manifestMediaType();
  }

  public String configDigest() {
    return Sha256.of(config);
  }

  public List<String> layerDigests() {
    return layers.stream().map(Sha256::of).toList();
  }

  /** Every blob by digest, config first, then layers in order. */
  public Map<String, byte[]> blobs() {
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    blobs.put(configDigest(), config.clone());
    for (byte[] layer : layers) {
      blobs.put(Sha256.of(layer), layer.clone());
    }
    return blobs;
  }

  @Override
  public byte[] manifest() {
    return manifest.clone();
  }

  @Override
  public byte[] config() {
    return config.clone();
  }

  @Override
  public List<byte[]> layers() {
    List<byte[]> copies = new ArrayList<>();
    layers.forEach(layer -> copies.add(layer.clone()));
    return copies;
  }

  static ObjectNode descriptor(String mediaType, byte[] content) {
    ObjectNode descriptor = JSON.createObjectNode();
    descriptor.put("mediaType", mediaType);
    descriptor.put("size", content.length);
    descriptor.put("digest", Sha256.of(content));
    return descriptor;
  }

  static byte[] write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serialises", e);
    }
  }
}
