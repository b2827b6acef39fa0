package dev.strata.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An image to put in an {@link ArchiveBuilder} archive: uncompressed layer tars (base first), the
 * config naming their DiffIDs, and the tags. Digests are {@code sha256:<hex>} strings, the form
 * archives and {@code strata} print; a module's tests parse them into its own types.
 *
 * @param layers uncompressed layer tars, base first
 * @param config the exact config bytes; the image ID is their sha256
 * @param tags references as written into the archive, e.g. {@code busybox:1.36}
 */
public record SampleImage(List<byte[]> layers, byte[] config, List<String> tags) {

  public SampleImage {
    layers = List.copyOf(layers);
    tags = List.copyOf(tags);
  }

  /** {@link SampleLayers#base()} and {@link SampleLayers#second()} (a whiteout, an opaque directory). */
  public static SampleImage twoLayers(String... tags) {
    return of(List.of(SampleLayers.base(), SampleLayers.second()), "two layers", tags);
  }

  /**
   * {@code layers} with a config laid out by hand, with spacing Jackson would not produce, so that
   * byte-exactness shows; {@code comment} goes into a label to tell otherwise equal images apart.
   */
  public static SampleImage of(List<byte[]> layers, String comment, String... tags) {
    String diffIds = layers.stream().map(l -> "\"" + sha256(l) + "\"").collect(Collectors.joining(",\n      "));
    String config = "{\n  \"architecture\": \"amd64\",\n  \"os\": \"linux\",\n"
        + "  \"created\": \"2024-01-02T03:04:05.123456789Z\",\n"
        + "  \"config\": {\"Cmd\": [\"/bin/sh\"], \"Labels\": {\"comment\": \"" + comment + "\"}},\n"
        + "  \"rootfs\": {\n    \"type\": \"layers\",\n    \"diff_ids\": [\n      " + diffIds + "\n    ]\n  }\n}\n";
    return new SampleImage(layers, config.getBytes(StandardCharsets.UTF_8), List.of(tags));
  }

  /** The sha256 of each uncompressed layer, as the config lists them. */
  public List<String> diffIds() {
    return layers.stream().map(SampleImage::sha256).toList();
  }

  /** The image ID: the config's sha256. */
  public String id() {
    return sha256(config);
  }

  /** {@code sha256:<hex>} of {@code content}. */
  static String sha256(byte[] content) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
