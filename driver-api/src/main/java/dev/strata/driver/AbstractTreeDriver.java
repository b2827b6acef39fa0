package dev.strata.driver;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The skeleton of a driver whose every layer is a whole directory tree kept by {@link
 * LayerDirectories} (vfs's copies, btrfs's subvolumes). Removal renames the tree away and discards
 * it; a view is the tree itself and a mount of it a bind, read-only for an image layer. A driver
 * still supplies how a read-only layer is applied, which storage options it takes, how space is
 * measured and what {@code strata info} shows, and may present views elsewhere.
 */
public abstract class AbstractTreeDriver extends AbstractGraphDriver {

  private final LayerDirectories directories;

  /** @param swept whether the provider swept the home at open (see {@link AbstractGraphDriver}) */
  protected AbstractTreeDriver(Traits traits, LayerDirectories directories, boolean swept) throws IOException {
    super(traits, directories::readLayers, swept);
    this.directories = directories;
  }

  protected final LayerDirectories directories() {
    return directories;
  }

  /** An empty writable layer: its parent's tree, or an empty root. */
  @Override
  protected void buildWritable(LayerInfo layer, Map<String, String> storageOptions) throws IOException {
    directories.build(layer, staging -> null);
  }

  @Override
  protected final Path detach(LayerInfo layer) throws IOException {
    return directories.detach(layer.id());
  }

  @Override
  protected final void discard(LayerInfo layer, Path detached) throws IOException {
    directories.discard(detached);
  }

  /** The layer's tree. */
  @Override
  protected Path view(LayerInfo layer) {
    return directories.layerDir(layer.id());
  }

  /** A bind mount of the layer's tree, read-only for an image layer. */
  @Override
  protected final List<Mount> mountsFor(LayerInfo layer, Path target) {
    return List.of(Mount.bind(directories.layerDir(layer.id()), target, !layer.writable()));
  }
}
