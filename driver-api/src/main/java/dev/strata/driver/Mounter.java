package dev.strata.driver;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Performs {@link Mount}s. The real one calls {@code mount(2)} directly; a runtime that mounts in
 * another namespace, or a test without root, passes its own to {@link DriverConfig}.
 */
public interface Mounter {

  /** Performs the mount; the target directory must exist. */
  void mount(Mount mount) throws IOException;

  /** Unmounts whatever is mounted at {@code target}. */
  void unmount(Path target) throws IOException;

  /** The real thing: {@code mount(2)} and {@code umount2(2)}. */
  static Mounter system() {
    return new SystemMounter();
  }
}
