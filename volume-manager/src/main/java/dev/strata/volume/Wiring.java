package dev.strata.volume;

import dev.strata.files.TreeCopy;
import dev.strata.posix.FileSync;
import dev.strata.posix.LoopDevice;
import dev.strata.posix.LoopDevices;
import java.io.IOException;
import java.nio.file.Path;

/** The real collaborators {@link VolumeStore#open} plugs in. */
final class Wiring {

  private Wiring() {}

  /**
   * Loop devices that free themselves: the handle is closed once the mount holds the device, and
   * autoclear detaches it at the unmount.
   */
  static FilesystemMounts.LoopAttacher loops() {
    LoopDevices loops = new LoopDevices();
    return new FilesystemMounts.LoopAttacher() {
      @Override
      public LoopDevice attach(Path image) throws IOException {
        return loops.attach(image, false);
      }
    };
  }

  static Populator.Copier copier(Path scratch) throws IOException {
    TreeCopy copy = TreeCopy.detect(scratch);
    FileSync flush = new FileSync();
    return new Populator.Copier() {
      @Override
      public void sync(Path dir) throws IOException {
        flush.syncFilesystem(dir);
      }

      @Override
      public void copyInto(Path sourceDir, Path existingDir) throws IOException {
        copy.copyInto(sourceDir, existingDir);
      }

      @Override
      public void copyAttributes(Path source, Path target) throws IOException {
        copy.copyAttributes(source, target);
      }
    };
  }
}
