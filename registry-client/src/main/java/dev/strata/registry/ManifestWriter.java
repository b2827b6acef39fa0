package dev.strata.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.image.MediaTypes;
import dev.strata.json.Json;
import java.util.List;

/**
 * Writes the image manifest push sends: Docker schema 2 or OCI, the same fields in the order
 * {@code docker push} writes them. Its digest is the sha256 of exactly these bytes.
 */
final class ManifestWriter {

  private ManifestWriter() {}

  static String mediaType(boolean oci) {
    return oci ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
  }

  static String configMediaType(boolean oci) {
    return oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG;
  }

  static byte[] write(boolean oci, BlobRef config, List<BlobRef> layers) {
    ObjectNode root = Json.object();
    root.put("schemaVersion", 2);
    root.put("mediaType", mediaType(oci));
    descriptor(root.putObject("config"), config);
    ArrayNode array = root.putArray("layers");
    for (BlobRef layer : layers) {
      descriptor(array.addObject(), layer);
    }
    return Json.prettyBytes(root);
  }

  private static void descriptor(ObjectNode node, BlobRef blob) {
    node.put("mediaType", blob.mediaType());
    node.put("size", blob.size());
    node.put("digest", blob.digest().toString());
  }
}
