package dev.strata.image;

import static dev.strata.files.PrintableNames.quoted;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.StackLayer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Loads an archive all or nothing. Order of work: read and cross-check every document, verify
 * every blob's digest and size, then register each image's layers as one stack (each checked
 * against its DiffID by the layer store), then add the images and tags in one step. Every layer reference
 * the load takes is dropped at the end, success or failure; on success each image then holds
 * its own reference on its top layer, on failure new layers vanish and old ones keep their
 * counts.
 */
final class ArchiveLoader {

  private static final System.Logger LOG = System.getLogger(ArchiveLoader.class.getName());

  private final ImageStore images;
  private final LayerStore layers;

  ArchiveLoader(ImageStore images) {
    this.images = images;
    this.layers = images.layerStore();
  }

  List<Image> load(Path input) throws IOException {
    try (ArchiveTree tree = ArchiveTree.open(input, images.tmpRoot())) {
      List<ArchiveImage> found = read(tree);
      verifyBlobs(found);
      List<ChainId> taken = new ArrayList<>();
      List<Image> loaded;
      try {
        List<PendingImage> pending = new ArrayList<>();
        for (ArchiveImage image : found) {
          registerLayers(tree, image, taken);
          pending.add(new PendingImage(image.config(), image.parsed(), image.tags()));
        }
        loaded = images.addAll(pending);
      } catch (IOException | RuntimeException e) {
        releaseAll(taken, e);
        throw e;
      }
      ArchiveBlobs.record(layers, found);
      try {
        releaseAll(taken, null);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "{0} loaded, but dropping the load''s own layer references failed ({1}); the"
            + " images are complete, some layers may outlive their images", tree.label(), e.getMessage());
      }
      return loaded;
    }
  }

  /** The images an archive describes, by its format. */
  static List<ArchiveImage> read(ArchiveTree tree) throws IOException {
    // holds, not has: a manifest.json that is a directory is a broken docker-archive, not another format.
    if (tree.holds(DockerArchiveReader.MANIFEST)) {
      return DockerArchiveReader.read(tree);
    }
    if (tree.has(OciLayoutReader.LAYOUT) || tree.has(OciLayoutReader.INDEX)) {
      return OciLayoutReader.read(tree);
    }
    if (tree.has("repositories")) {
      throw new UnsupportedException(tree.label(), tree.label() + " is a pre-1.10 docker save archive (no"
          + " manifest.json); save it again with a newer Docker");
    }
    throw new CorruptException(tree.label(), tree.label() + " is not an image archive: it has neither"
        + " manifest.json (docker-archive) nor oci-layout and index.json (OCI layout)");
  }

  static void verifyBlobs(List<ArchiveImage> images) throws IOException {
    Set<Blob> seen = new LinkedHashSet<>();
    for (ArchiveImage image : images) {
      seen.addAll(image.layers());
    }
    for (Blob blob : seen) {
      blob.verify();
    }
  }

  /**
   * Registers the image's layers as one stack ({@link LayerStore#registerAll}: applied side by side
   * where the driver allows, published bottom-up); layers already in the store are only referenced
   * again, since reading their blobs would give the same bytes.
   */
  private void registerLayers(ArchiveTree tree, ArchiveImage image, List<ChainId> taken) throws IOException {
    List<Digest> diffIds = image.parsed().diffIds();
    List<StackLayer> stack = new ArrayList<>();
    for (int i = 0; i < diffIds.size(); i++) {
      stack.add(stackLayer(tree, image, i, diffIds.get(i)));
    }
    List<Layer> registered = layers.registerAll(Optional.empty(), stack);
    if (!registered.isEmpty()) {
      taken.add(registered.get(registered.size() - 1).chainId()); // the one reference the stack takes: its top's
    }
  }

  private static StackLayer stackLayer(ArchiveTree tree, ArchiveImage image, int i, Digest diffId) {
    Blob blob = image.layers().get(i);
    String what = tree.label() + " " + image.origin() + " layer " + i + " " + quoted(blob.name());
    return new StackLayer(() -> ArchiveInput.decompressed(Files.newInputStream(blob.file()), what), diffId, e -> {
      if (what.equals(e.subject())) {
        return e; // the blob itself is unreadable (ArchiveInput names it): there is no layer to compare
      }
      return new CorruptException(blob.name(), what + " is not the layer rootfs.diff_ids[" + i + "] = "
          + diffId + " promises: " + e.getMessage(), e);
    });
  }

  private void releaseAll(List<ChainId> taken, Exception primary) throws IOException {
    IOException failure = null;
    for (int i = taken.size() - 1; i >= 0; i--) {
      try {
        layers.release(taken.get(i));
      } catch (IOException e) {
        if (primary != null) {
          primary.addSuppressed(e);
        } else if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
