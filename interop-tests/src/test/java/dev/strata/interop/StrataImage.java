package dev.strata.interop;

import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.layer.InitHook;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An image in a Strata root as Docker's {@code inspect} and {@code export} describe one: its id,
 * its DiffIDs (Docker's {@code RootFS.Layers}) and the tree a fresh container of it mounts, without
 * init files.
 */
record StrataImage(String id, List<String> diffIds, ComparableRootfs tree) {

  StrataImage {
    diffIds = List.copyOf(diffIds);
  }

  /** Reads image {@code ref} of the root {@code strata} works on. */
  static StrataImage read(StrataCli strata, String ref) throws IOException {
    try (LayerStore layers = LayerStore.open(LayerStoreConfig.of(strata.root(), strata.driver()));
        ImageStore images = ImageStore.open(layers)) {
      Image image = images.get(ref);
      layers.writeLayers().create("inspect", image.top(), InitHook.none(), Map.of());
      Path mounted = layers.writeLayers().mount("inspect");
      try {
        return new StrataImage(image.id().toString(),
            image.diffIds().stream().map(Object::toString).toList(), ComparableRootfs.fromDirectory(mounted));
      } finally {
        layers.writeLayers().unmount("inspect");
        layers.writeLayers().remove("inspect");
      }
    }
  }
}
