package dev.strata.image;

import static dev.strata.files.PrintableNames.quoted;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a docker-archive ({@code docker save}): {@code manifest.json} lists, per image, the config
 * file, its tags and its layer files, either in the legacy form ({@code <hex>.json}, {@code
 * <v1-id>/layer.tar}) or the one Docker 25+ writes ({@code blobs/sha256/<hex>}). The legacy {@code
 * repositories} file is not needed when {@code manifest.json} is there and is ignored.
 */
final class DockerArchiveReader {

  static final String MANIFEST = "manifest.json";

  // blobs/sha256/<hex> (Docker 25+) and <hex>.json (legacy config): the name promises the content hash.
  private static final Pattern CONTENT_ADDRESSED = Pattern.compile("(?:^|.*/)sha256/([0-9a-f]{64})|([0-9a-f]{64})\\.json");

  private DockerArchiveReader() {}

  static List<ArchiveImage> read(ArchiveTree tree) throws IOException {
    String manifestWhat = tree.label() + ": manifest " + quoted(MANIFEST);
    JsonNode manifest = Json.parse(ArchiveTree.readDocument(tree.file(MANIFEST, "manifest"), manifestWhat), manifestWhat);
    if (!manifest.isArray()) {
      throw new CorruptException(MANIFEST, tree.label() + ": manifest.json is not a JSON array");
    }
    List<ArchiveImage> images = new ArrayList<>();
    for (JsonNode entry : manifest) {
      images.add(readEntry(tree, entry, MANIFEST + "[" + images.size() + "]"));
    }
    return images;
  }

  private static ArchiveImage readEntry(ArchiveTree tree, JsonNode entry, String what) throws IOException {
    if (!entry.isObject()) {
      throw new CorruptException(what, tree.label() + ": " + what + " is not a JSON object");
    }
    String configName = Json.requiredText(entry, "Config", what);
    Path configFile = tree.file(configName, what + " config");
    byte[] config = ArchiveTree.readDocument(configFile, tree.label() + " config " + quoted(configName));
    Optional<Digest> promised = contentDigest(configName);
    ImageId id = ImageId.ofConfig(config);
    if (promised.isPresent() && !promised.get().equals(id.digest())) {
      throw new CorruptException(configName, tree.label() + ": config " + quoted(configName) + " hashes to " + id
          + ", not what its name says; the archive is corrupt or altered");
    }
    ImageConfig parsed = ImageConfig.parse(config, tree.label() + " config " + quoted(configName));
    JsonNode layerNames = Json.requiredArray(entry, "Layers", what);
    if (layerNames.size() != parsed.diffIds().size()) {
      throw new CorruptException(what, tree.label() + ": " + what + " lists " + layerNames.size()
          + " layers but config " + configName + " has " + parsed.diffIds().size() + " rootfs.diff_ids");
    }
    List<Blob> layers = new ArrayList<>();
    for (JsonNode layerName : layerNames) {
      String layerWhat = what + " layer " + layers.size();
      if (!layerName.isTextual()) {
        throw new CorruptException(what, tree.label() + ": " + layerWhat + " is not a string");
      }
      String name = layerName.asText();
      layers.add(new Blob(name, tree.file(name, layerWhat), contentDigest(name), OptionalLong.empty()));
    }
    List<Reference> tags = new ArrayList<>();
    JsonNode repoTags = entry.get("RepoTags");
    if (repoTags != null && !repoTags.isNull()) {
      if (!repoTags.isArray()) {
        throw new CorruptException(what, tree.label() + ": " + what + " RepoTags is not an array");
      }
      for (JsonNode tag : repoTags) {
        if (!tag.isTextual()) {
          throw new CorruptException(what, tree.label() + ": " + what + " RepoTags holds a non-string");
        }
        tags.add(Reference.parse(tag.asText()));
      }
    }
    return new ArchiveImage(what, config, parsed, layers, tags);
  }

  private static Optional<Digest> contentDigest(String name) {
    Matcher m = CONTENT_ADDRESSED.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Digest("sha256", m.group(1) != null ? m.group(1) : m.group(2)));
  }
}
