package dev.strata.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Applies a layer tar stream into a directory. (Stub; implemented by the archive work.) */
public final class LayerApplier {

  private final ApplyOptions options;
  private final WhiteoutPolicy whiteouts;

  public LayerApplier(ApplyOptions options, WhiteoutPolicy whiteouts) {
    this.options = options;
    this.whiteouts = whiteouts;
  }

  /**
   * Applies {@code layerTar} (plain or compressed) into {@code root}, which must exist. Consumes the
   * whole stream so the DiffID covers every byte.
   */
  public ApplyResult apply(InputStream layerTar, Path root) throws IOException {
    throw new UnsupportedOperationException("todo");
  }
}
