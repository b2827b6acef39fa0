package dev.strata.image;

import dev.strata.driver.Digest;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerBlob;
import dev.strata.layer.LayerStore;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * Records the compressed layer blobs a loaded archive held ({@link LayerStore#recordBlob}), so that
 * a push can name a blob the registry already has instead of compressing the layer into new
 * bytes: an OCI layout of gzip or zstd blobs, as {@code skopeo} or BuildKit write it. Plain tars
 * ({@code docker save}) have nothing worth recording. The compression is told by the magic number,
 * as the load itself tells it; the digest and size were verified before any layer was registered.
 */
final class ArchiveBlobs {

  private static final System.Logger LOG = System.getLogger(ArchiveBlobs.class.getName());

  private ArchiveBlobs() {}

  /** Records each compressed blob of {@code images}, whose layers are registered and held. */
  static void record(LayerStore layers, List<ArchiveImage> images) {
    for (ArchiveImage image : images) {
      Optional<ChainId> parent = Optional.empty();
      List<Digest> diffIds = image.parsed().diffIds();
      for (int i = 0; i < diffIds.size(); i++) {
        ChainId chain = ChainId.of(parent, diffIds.get(i));
        parent = Optional.of(chain);
        Blob blob = image.layers().get(i);
        if (blob.digest().isEmpty()) {
          continue;
        }
        try {
          Optional<String> type = compressedType(blob);
          if (type.isPresent()) {
            layers.recordBlob(chain, new LayerBlob(blob.digest().get(), type.get(), Files.size(blob.file()),
                Optional.empty()));
          }
        } catch (IOException e) {
          LOG.log(Level.WARNING, "loaded, but recording blob {0} of layer {1} failed ({2}); a push of it compresses"
              + " the layer instead of reusing the blob", blob.digest().get(), chain, e.getMessage());
        }
      }
    }
  }

  private static Optional<String> compressedType(Blob blob) throws IOException {
    byte[] magic;
    try (InputStream in = Files.newInputStream(blob.file())) {
      magic = in.readNBytes(4);
    }
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return Optional.of(MediaTypes.OCI_LAYER + "+gzip");
    }
    if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return Optional.of(MediaTypes.OCI_LAYER + "+zstd");
    }
    return Optional.empty();
  }
}
