package dev.strata.layer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fills a container's init layer: the runtime's placeholders such as {@code /etc/hosts}, {@code
 * /etc/resolv.conf} and {@code /.dockerenv}. What it writes is visible in the container but never
 * part of the container's changes, diff or commit.
 */
@FunctionalInterface
public interface InitHook {

  /** Writes into {@code initRoot}, the mounted view of the init layer (the image underneath). */
  void populate(Path initRoot) throws IOException;

  /** An init layer left as the image is. */
  static InitHook none() {
    return root -> {};
  }

  /**
   * Docker's placeholders: empty {@code /etc/hosts}, {@code /etc/hostname}, {@code /etc/resolv.conf},
   * {@code /.dockerenv} and {@code /dev/console}; directories {@code /proc}, {@code /sys}, {@code
   * /dev/pts} and {@code /dev/shm}; {@code /etc/mtab} linking to {@code /proc/mounts}.
   */
  static InitHook dockerLike() {
    return new DockerInitHook();
  }
}
