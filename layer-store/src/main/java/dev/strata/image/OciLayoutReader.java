package dev.strata.image;

import static dev.strata.files.PrintableNames.quoted;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.json.Json;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads an OCI image layout: {@code oci-layout}, {@code index.json}, and content-addressed
 * {@code blobs/sha256/<hex>}. Each manifest {@code index.json} lists is an image; a nested index
 * (multi-platform image) contributes its {@code linux/amd64} manifest, skipping attestation
 * manifests. Tags come from the descriptor's {@code io.containerd.image.name} annotation, else
 * its {@code org.opencontainers.image.ref.name} when that is a full reference ({@code
 * name:tag}); a bare tag such as {@code latest} names no repository and leaves the image untagged.
 * Every JSON blob is checked against its descriptor here; layer blobs later, by the loader.
 */
final class OciLayoutReader {

  static final String LAYOUT = "oci-layout";
  static final String INDEX = "index.json";
  static final String PLATFORM = "linux/amd64";
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private static final System.Logger LOG = System.getLogger(OciLayoutReader.class.getName());
  private static final int MAX_NESTING = 8;

  private final ArchiveTree tree;

  private OciLayoutReader(ArchiveTree tree) {
    this.tree = tree;
  }

  static List<ArchiveImage> read(ArchiveTree tree) throws IOException {
    return new OciLayoutReader(tree).read();
  }

  private List<ArchiveImage> read() throws IOException {
    String layoutWhat = tree.label() + ": layout marker " + quoted(LAYOUT);
    JsonNode layout = Json.parse(ArchiveTree.readDocument(tree.file(LAYOUT, "layout marker"), layoutWhat), layoutWhat);
    String version = Json.requiredText(layout, "imageLayoutVersion", tree.label() + " oci-layout");
    if (!version.startsWith("1.")) {
      throw new UnsupportedException(LAYOUT, tree.label() + ": OCI image layout version " + version
          + " is not supported (1.x is)");
    }
    String indexWhat = tree.label() + ": index " + quoted(INDEX);
    JsonNode index = Json.parse(ArchiveTree.readDocument(tree.file(INDEX, "index"), indexWhat), indexWhat);
    Map<ImageId, ArchiveImage> images = new LinkedHashMap<>();
    JsonNode manifests = Json.requiredArray(index, "manifests", tree.label() + " index.json");
    for (int i = 0; i < manifests.size(); i++) {
      String what = "index.json manifests[" + i + "]";
      Descriptor top = Descriptor.parse(manifests.get(i), tree.label() + " " + what);
      Optional<Descriptor> manifest = select(top, what, 0);
      if (manifest.isEmpty()) {
        continue;
      }
      ArchiveImage image = readManifest(manifest.get(), what, tags(top, what));
      ArchiveImage seen = images.get(image.parsed().id());
      if (seen != null) {
        List<Reference> tags = new ArrayList<>(seen.tags());
        image.tags().stream().filter(t -> !tags.contains(t)).forEach(tags::add);
        image = new ArchiveImage(seen.origin(), seen.config(), seen.parsed(), seen.layers(), tags);
      }
      images.put(image.parsed().id(), image);
    }
    if (images.isEmpty()) {
      throw new CorruptException(INDEX, tree.label() + ": index.json lists no image manifest");
    }
    return List.copyOf(images.values());
  }

  /** The image manifest a descriptor leads to, choosing a platform in indexes; empty if it is not an image. */
  private Optional<Descriptor> select(Descriptor descriptor, String what, int depth) throws IOException {
    if (descriptor.isManifest()) {
      return Optional.of(descriptor);
    }
    if (descriptor.mediaType().isPresent() && !descriptor.isIndex()) {
      LOG.log(Level.INFO, "{0}: skipping {1}, a {2}, not an image", tree.label(), what, descriptor.mediaType().get());
      return Optional.empty();
    }
    JsonNode blob = readJson(descriptor, what);
    if (descriptor.mediaType().isEmpty()) {
      String type = blob.path("mediaType").asText("");
      Descriptor typed = new Descriptor(Optional.of(type.isEmpty() && blob.has("layers") ? MediaTypes.OCI_MANIFEST
          : type.isEmpty() && blob.has("manifests") ? MediaTypes.OCI_INDEX : type),
          descriptor.digest(), descriptor.size(), descriptor.annotations(), descriptor.platform());
      return typed.mediaType().get().isEmpty() ? Optional.empty() : select(typed, what, depth);
    }
    if (depth == MAX_NESTING) {
      throw new CorruptException(what, tree.label() + ": " + what + ": indexes nest deeper than " + MAX_NESTING);
    }
    List<Descriptor> candidates = new ArrayList<>();
    JsonNode manifests = Json.requiredArray(blob, "manifests", tree.label() + " " + what);
    for (int i = 0; i < manifests.size(); i++) {
      Descriptor d = Descriptor.parse(manifests.get(i), tree.label() + " " + what + " manifests[" + i + "]");
      boolean attestation = d.annotations().containsKey("vnd.docker.reference.type")
          || d.platform().filter(p -> p.startsWith("unknown/")).isPresent();
      if ((d.isManifest() || d.isIndex()) && !attestation) {
        candidates.add(d);
      }
    }
    Optional<Descriptor> chosen;
    if (candidates.size() == 1) {
      chosen = Optional.of(candidates.get(0));
    } else if (candidates.stream().allMatch(d -> d.platform().isEmpty())) {
      chosen = candidates.stream().findFirst();
    } else {
      chosen = candidates.stream()
          .filter(d -> d.platform().filter(p -> p.equals(PLATFORM) || p.startsWith(PLATFORM + "/")).isPresent())
          .findFirst();
      if (chosen.isEmpty()) {
        throw new UnsupportedException(what, tree.label() + ": " + what + " has no " + PLATFORM + " image; it offers "
            + candidates.stream().map(d -> d.platform().orElse("?")).toList());
      }
    }
    if (chosen.isEmpty()) {
      throw new CorruptException(what, tree.label() + ": " + what + " is an index without image manifests");
    }
    return select(chosen.get(), what + " -> " + chosen.get().digest(), depth + 1);
  }

  private ArchiveImage readManifest(Descriptor descriptor, String what, List<Reference> tags) throws IOException {
    JsonNode manifest = readJson(descriptor, what);
    String label = tree.label() + " manifest " + descriptor.digest();
    Descriptor configDescriptor = Descriptor.parse(manifest.get("config"), label + " config");
    String configType = configDescriptor.mediaType().orElse(MediaTypes.OCI_CONFIG);
    if (!Descriptor.isConfig(configType)) {
      throw new UnsupportedException(configType, label + ": config media type " + configType
          + " is not an image config; this is an artifact, not a container image");
    }
    byte[] config = readBlob(configDescriptor, what + " config");
    ImageConfig parsed = ImageConfig.parse(config, tree.label() + " config " + configDescriptor.digest());
    JsonNode layerNodes = Json.requiredArray(manifest, "layers", label);
    if (layerNodes.size() != parsed.diffIds().size()) {
      throw new CorruptException(what, label + " lists " + layerNodes.size() + " layers but its config has "
          + parsed.diffIds().size() + " rootfs.diff_ids");
    }
    List<Blob> layers = new ArrayList<>();
    for (JsonNode node : layerNodes) {
      Descriptor layer = Descriptor.parse(node, label + " layers[" + layers.size() + "]");
      String type = layer.mediaType().orElse(MediaTypes.OCI_LAYER);
      if (!Descriptor.isLayer(type)) {
        throw new UnsupportedException(type, label + " layers[" + layers.size() + "]: media type " + type
            + " is not a filesystem layer (tar, tar+gzip or tar+zstd)");
      }
      Path file = tree.file(layer.blobPath(), what + " layer " + layers.size());
      layers.add(new Blob(layer.blobPath(), file, Optional.of(layer.digest()), OptionalLong.of(layer.size())));
    }
    return new ArchiveImage(what, config, parsed, layers, tags);
  }

  private List<Reference> tags(Descriptor descriptor, String what) throws IOException {
    String name = descriptor.annotations().get(CONTAINERD_NAME);
    if (name == null) {
      String ref = descriptor.annotations().get(REF_NAME);
      if (ref == null) {
        return List.of();
      }
      if (!ref.contains(":") && !ref.contains("/")) {
        LOG.log(Level.INFO, "{0}: {1} is tagged ''{2}'' without a repository name; loading it untagged",
            tree.label(), what, ref);
        return List.of();
      }
      name = ref;
    }
    return List.of(Reference.parse(name));
  }

  private JsonNode readJson(Descriptor descriptor, String what) throws IOException {
    return Json.parse(readBlob(descriptor, what), tree.label() + " " + descriptor.blobPath());
  }

  private byte[] readBlob(Descriptor descriptor, String what) throws IOException {
    if (descriptor.size() > ArchiveTree.MAX_DOCUMENT) {
      throw new CorruptException(descriptor.blobPath(), tree.label() + ": " + what + " claims "
          + descriptor.size() + " bytes; too large for a manifest or config");
    }
    Path file = tree.file(descriptor.blobPath(), what);
    byte[] bytes = ArchiveTree.readDocument(file, descriptor.blobPath());
    Digest actual = Digest.sha256Of(bytes);
    if (bytes.length != descriptor.size() || !actual.equals(descriptor.digest())) {
      throw new CorruptException(descriptor.blobPath(), tree.label() + ": blob " + descriptor.blobPath() + " ("
          + bytes.length + " bytes, " + actual + ") does not match its descriptor (" + descriptor.size()
          + " bytes, " + descriptor.digest() + "); the archive is corrupt or altered");
    }
    return bytes;
  }
}
