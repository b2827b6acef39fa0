package dev.strata.volume;

import dev.strata.driver.error.UnsupportedException;
import java.nio.file.Path;

/** The real collaborators {@link VolumeStore#open} plugs in. */
final class Wiring {

  private Wiring() {}

  static FilesystemMounts.LoopAttacher loops() {
    return image -> {
      throw new UnsupportedException(image.toString(), "TODO loop devices");
    };
  }

  static Populator.Copier copier(Path scratch) {
    return new Populator.Copier() {
      @Override
      public void copyInto(Path sourceDir, Path existingDir) throws java.io.IOException {
        throw new UnsupportedException(sourceDir.toString(), "TODO copy");
      }

      @Override
      public void copyAttributes(Path source, Path target) throws java.io.IOException {
        throw new UnsupportedException(source.toString(), "TODO copy");
      }
    };
  }
}
