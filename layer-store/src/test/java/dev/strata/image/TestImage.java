package dev.strata.image;

import dev.strata.driver.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An image to put in a test archive: uncompressed layer tars, a config naming their DiffIDs
 * (laid out by hand, with spacing Jackson would not produce, so byte-exactness shows), and tags.
 */
record TestImage(List<byte[]> layers, byte[] config, List<String> tags) {

  /** Base and second layer (whiteout, opaque dir). */
  static TestImage twoLayers(String... tags) {
    return of(List.of(TestLayers.base(), TestLayers.second()), "two layers", tags);
  }

  static TestImage of(List<byte[]> layers, String comment, String... tags) {
    String diffIds = layers.stream().map(l -> "\"" + TestLayers.diffId(l) + "\"")
        .collect(Collectors.joining(",\n      "));
    String config = "{\n  \"architecture\": \"amd64\",\n  \"os\": \"linux\",\n"
        + "  \"created\": \"2024-01-02T03:04:05.123456789Z\",\n"
        + "  \"config\": {\"Cmd\": [\"/bin/sh\"], \"Labels\": {\"comment\": \"" + comment + "\"}},\n"
        + "  \"rootfs\": {\n    \"type\": \"layers\",\n    \"diff_ids\": [\n      " + diffIds + "\n    ]\n  }\n}\n";
    return new TestImage(List.copyOf(layers), config.getBytes(StandardCharsets.UTF_8), List.of(tags));
  }

  List<Digest> diffIds() {
    return layers.stream().map(TestLayers::diffId).toList();
  }

  ImageId id() {
    return ImageId.ofConfig(config);
  }
}
