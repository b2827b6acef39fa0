package dev.strata.driver.overlay2;

import dev.strata.archive.UpperDirDiffer;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Diffs a layer from its own {@code diff/} (the overlay upper) rather than by walking its whole view
 * against its parent's: the parent's view is mounted, but only looked at for the names the upper
 * holds. Off when uppers may hold metacopy files; a layer whose upper holds a redirected directory
 * (a directory renamed under {@code redirect_dir=on}) falls back to the generic differ.
 */
final class NativeDiff {

  @FunctionalInterface
  interface ParentViewFunction<T> {
    T apply(Optional<Path> parentView) throws IOException;
  }

  private final OverlayHome home;
  private final UpperDirDiffer differ;
  private final boolean active;

  NativeDiff(OverlayHome home, UpperDirDiffer differ, boolean active) {
    this.home = home;
    this.differ = differ;
    this.active = active;
  }

  UpperDirDiffer differ() {
    return differ;
  }

  boolean usable(LayerInfo layer) throws IOException {
    return active && differ.canDiff(home.diff(layer.id()));
  }

  /** Runs {@code fn} with the parent's view mounted through the driver (so counts stay exact). */
  <T> T withParentView(GraphDriver driver, LayerInfo layer, ParentViewFunction<T> fn) throws IOException {
    if (layer.parent().isEmpty()) {
      return fn.apply(Optional.empty());
    }
    Path view = driver.mount(layer.parent().get());
    try {
      return fn.apply(Optional.of(view));
    } finally {
      driver.unmount(layer.parent().get());
    }
  }
}
