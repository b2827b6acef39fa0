package dev.strata.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.testing.LayerTarBuilder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-platform image: an OCI image index or a Docker manifest list whose entries point at one
 * {@link TestImage} per platform ({@code "linux/amd64"}, {@code "linux/arm64"}).
 *
 * @param images platform ({@code os/arch}) to image, in index order
 */
public record TestIndex(ManifestFormat format, byte[] index, String digest, Map<String, TestImage> images) {

  public TestIndex {
    index = index.clone();
    images = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(images));
    if (!digest.equals(Sha256.of(index))) {
      throw new IllegalArgumentException("digest " + digest + " is not the index's");
    }
  }

  /**
   * linux/amd64 and linux/arm64 images of one small layer each; the layers differ (the file
   * {@code /arch} holds the architecture) so that a puller that takes the wrong platform is caught.
   */
  public static TestIndex twoPlatforms(ManifestFormat format) {
    Map<String, TestImage> images = new LinkedHashMap<>();
    for (String arch : List.of("amd64", "arm64")) {
      byte[] layer = new LayerTarBuilder().file("arch", arch + "\n", 0644).build();
      images.put("linux/" + arch, TestImage.of(format, arch, List.of(layer)));
    }
    return of(format, images);
  }

  public static TestIndex of(ManifestFormat format, Map<String, TestImage> images) {
    ObjectNode index = TestImage.JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", format.indexMediaType());
    ArrayNode manifests = index.putArray("manifests");
    images.forEach((platform, image) -> {
      ObjectNode entry = TestImage.descriptor(image.mediaType(), image.manifest());
      String[] osArch = platform.split("/", 2);
      ObjectNode p = entry.putObject("platform");
      p.put("architecture", osArch[1]);
      p.put("os", osArch[0]);
      manifests.add(entry);
    });
    byte[] bytes = TestImage.write(index);
    return new TestIndex(format, bytes, Sha256.of(bytes), images);
  }

  public String mediaType() {
    return format.indexMediaType();
  }

  @Override
  public byte[] index() {
    return index.clone();
  }

  @Override
  public String toString() {
    return "TestIndex[" + digest + ", " + images.keySet() + ", "
        + new String(index, StandardCharsets.UTF_8).length() + " bytes]";
  }
}
